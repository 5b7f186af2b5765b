import { distance } from "fastest-levenshtein";
import { type CodeAction, CodeActionKind, type CodeActionParams } from "vscode-languageserver";
import type { DiagnosticData } from "./convert.js";
import { offsetOf } from "./navigate.js";
import type { Workspace } from "./workspace.js";
import { uriToPath } from "./convert.js";

/** "Change to 'x'" for every did-you-mean diagnostic in the range. */
export async function quickFixes(workspace: Workspace, p: CodeActionParams): Promise<CodeAction[]> {
  const path = uriToPath(p.textDocument.uri);
  const doc = path === undefined ? undefined : await workspace.document(path);
  if (!doc) return [];
  const text = doc.getText();
  const actions: CodeAction[] = [];
  for (const diagnostic of p.context.diagnostics) {
    const suggestion = (diagnostic.data as DiagnosticData | undefined)?.suggestion;
    if (suggestion === undefined || diagnostic.source !== "fluvius") continue;
    const start = offsetOf(text, diagnostic.range.start.line, diagnostic.range.start.character);
    const end = offsetOf(text, diagnostic.range.end.line, diagnostic.range.end.character);
    const edit = replacement(text.slice(start, end), suggestion);
    if (!edit) continue;
    actions.push({
      title: `Change to '${suggestion}'`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: {
        changes: { [p.textDocument.uri]: [{ range: { start: doc.positionAt(start + edit.from), end: doc.positionAt(start + edit.to) }, newText: suggestion }] },
      },
    });
  }
  return actions;
}

/**
 * Which part of the flagged text the suggestion replaces: the word closest to it, so
 * `Mony?` becomes `Money?` and `account:depost` becomes `account:deposit`.
 */
export function replacement(flagged: string, suggestion: string): { from: number; to: number } | undefined {
  const wordOnly = /^[A-Za-z0-9_-]+$/.test(suggestion);
  const pattern = wordOnly ? /[A-Za-z0-9_-]+/g : /[^\s'"[\]{},]+/g;
  let best: { from: number; to: number; d: number } | undefined;
  for (const m of flagged.matchAll(pattern)) {
    const d = distance(m[0].toLowerCase(), suggestion.toLowerCase());
    if (!best || d < best.d) best = { from: m.index, to: m.index + m[0].length, d };
  }
  return best && { from: best.from, to: best.to };
}
