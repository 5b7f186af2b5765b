import { styleText } from "node:util";
import { codeFrameColumns } from "@babel/code-frame";
import type { Diagnostic } from "../diagnostic.js";

export interface TextFormatOptions {
  readonly color: boolean;
  /** Source text by display path, for code frames. */
  readonly sources: ReadonlyMap<string, string>;
}

/** Human output: one block per diagnostic with a code frame, then a summary line. */
export function formatText(diagnostics: readonly Diagnostic[], options: TextFormatOptions): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string) => (options.color ? styleText(style, text) : text);
  const blocks = diagnostics.map((d) => {
    const where = `${d.range.file}:${d.range.start.line}:${d.range.start.column}`;
    const severity = d.severity === "error" ? paint(["red", "bold"], "error") : paint(["yellow", "bold"], "warning");
    const lines = [`${paint("cyan", where)} ${severity} ${paint("gray", d.code)}: ${d.message}`];
    const frame = codeFrame(d, options);
    if (frame) lines.push(indent(frame));
    if (d.hint) lines.push(`  ${paint("green", "hint:")} ${d.hint}`);
    for (const r of d.related) lines.push(`  ${paint("gray", "related:")} ${r.file}:${r.start.line}:${r.start.column} ${r.message}`);
    return lines.join("\n");
  });
  return blocks.join("\n\n");
}

export function summarise(diagnostics: readonly Diagnostic[], fileCount: number, color: boolean): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const files = `${fileCount} ${fileCount === 1 ? "file" : "files"}`;
  if (diagnostics.length === 0) return color ? styleText("green", `✔ ${files} checked, no problems`) : `✔ ${files} checked, no problems`;
  const parts = [errors > 0 ? plural(errors, "error") : "", warnings > 0 ? plural(warnings, "warning") : ""].filter(Boolean);
  const line = `${errors > 0 ? "✖" : "⚠"} ${parts.join(", ")} in ${files}`;
  return color ? styleText(errors > 0 ? "red" : "yellow", line) : line;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function codeFrame(d: Diagnostic, options: TextFormatOptions): string | undefined {
  const source = options.sources.get(d.range.file);
  if (source === undefined || source.length === 0) return undefined;
  const { start, end } = d.range;
  const sameLine = end.line === start.line && end.column > start.column;
  return codeFrameColumns(source, { start, ...(sameLine ? { end } : {}) }, { highlightCode: options.color, forceColor: options.color, linesAbove: 2, linesBelow: 1 });
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
