import { fileURLToPath, pathToFileURL } from "node:url";
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from "vscode-languageserver";
import type { Diagnostic, SourceRange } from "../diagnostics/diagnostic.js";
import { resolvePath, toPosix } from "../host/paths.js";
import { CONFIG_FILE_NAME } from "../load/config.js";

/** Our paths are absolute with forward slashes; LSP speaks file URIs. */
export function uriToPath(uri: string): string | undefined {
  return uri.startsWith("file:") ? toPosix(fileURLToPath(uri)) : undefined;
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

export function isConfigFile(path: string): boolean {
  return path === CONFIG_FILE_NAME || path.endsWith(`/${CONFIG_FILE_NAME}`);
}

/** Ours are 1-based lines and columns (UTF-16 units); LSP's are 0-based. */
export function toLspRange(range: SourceRange): Range {
  return {
    start: { line: Math.max(0, range.start.line - 1), character: Math.max(0, range.start.column - 1) },
    end: { line: Math.max(0, range.end.line - 1), character: Math.max(0, range.end.column - 1) },
  };
}

/** What a quick fix needs: the did-you-mean suggestion carried in the message. */
export interface DiagnosticData {
  readonly suggestion?: string;
}

const DID_YOU_MEAN = /Did you mean '([^']+)'\?/;

export function suggestionOf(message: string): string | undefined {
  return DID_YOU_MEAN.exec(message)?.[1];
}

/** A diagnostic as the editor shows it; `cwd` turns display paths back into absolute ones. */
export function toLspDiagnostic(d: Diagnostic, cwd: string): LspDiagnostic {
  const suggestion = suggestionOf(d.message);
  const data: DiagnosticData = suggestion === undefined ? {} : { suggestion };
  return {
    range: toLspRange(d.range),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: "fluvius",
    message: d.hint === undefined ? d.message : `${d.message}\n${d.hint}`,
    relatedInformation: d.related.map((r) => ({ location: { uri: pathToUri(resolvePath(cwd, r.file)), range: toLspRange(r) }, message: r.message })),
    data,
  };
}
