import type { Diagnostic, SourceRange } from "../diagnostic.js";

function flatRange(r: SourceRange) {
  return { file: r.file, line: r.start.line, column: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

/** `{"diagnostics":[...]}`: the machine-readable shape documented in the README. */
export function formatJson(diagnostics: readonly Diagnostic[]): string {
  const items = diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...flatRange(d.range),
    ...(d.hint === undefined ? {} : { hint: d.hint }),
    related: d.related.map((r) => ({ message: r.message, ...flatRange(r) })),
  }));
  return JSON.stringify({ diagnostics: items }, null, 2);
}
