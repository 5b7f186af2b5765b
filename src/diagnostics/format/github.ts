import type { Diagnostic } from "../diagnostic.js";

/** GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request. */
export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const r = d.range;
      const props = [
        `file=${escapeProperty(r.file)}`,
        `line=${r.start.line}`,
        `col=${r.start.column}`,
        `endLine=${r.end.line}`,
        `endColumn=${r.end.column}`,
        `title=${escapeProperty(`fluvius ${d.code}`)}`,
      ].join(",");
      const message = d.hint ? `${d.message}\n${d.hint}` : d.message;
      return `::${d.severity} ${props}::${escapeData(message)}`;
    })
    .join("\n");
}

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
