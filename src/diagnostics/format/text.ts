import { styleText } from "node:util";
import type { Diagnostic } from "../diagnostic.js";
import { codeFrames } from "./code-frame.js";

export interface TextFormatOptions {
  readonly color: boolean;
  /** Source text by display path, for code frames. */
  readonly sources: ReadonlyMap<string, string>;
}

/** Human output: one block per diagnostic with a code frame, then a summary line. */
export function formatText(diagnostics: readonly Diagnostic[], options: TextFormatOptions): string {
  const paint = (style: Parameters<typeof styleText>[0], text: string) => (options.color ? styleText(style, text) : text);
  const frameAt = codeFrames(options.sources, { color: options.color });
  const blocks = diagnostics.map((d) => {
    const where = `${d.range.file}:${d.range.start.line}:${d.range.start.column}`;
    const severity = d.severity === "error" ? paint(["red", "bold"], "error") : paint(["yellow", "bold"], "warning");
    const lines = [`${paint("cyan", where)} ${severity} ${paint("gray", d.code)}: ${d.message}`];
    const frame = frameAt(d.range);
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

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
