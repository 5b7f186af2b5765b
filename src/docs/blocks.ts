import type { FieldInfo } from "../model/types.js";
import { anchorOf, type Block, code, type Inline } from "./document.js";
import { literalText, typeText } from "./text.js";

/** Small builders of the document tree's blocks, shared by the page's sections. */

export function fieldTable(fields: readonly FieldInfo[]): Block {
  return table(
    ["Field", "Type", "Presence", "Description"],
    fields.map((f) => [
      [code(f.name)],
      [code(typeText(f.type))],
      [
        ...(f.hasDefault ? ["default ", code(literalText(f.default))] : [f.optional ? "optional" : "required"]),
        ...(f.indexed === true ? [", indexed"] : []),
        ...(f.pii ? [", PII"] : []),
      ],
      text(f.description ?? f.label),
    ]),
  );
}

/** `amount: Money, reference?: string`, each as code; refs checked before the command decides are marked. */
export function fieldList(fields: readonly FieldInfo[], checked: readonly string[] = []): Inline[] {
  return fields.flatMap((f, i) => [
    ...(i === 0 ? [] : [", "]),
    code(`${f.name}${f.optional ? "?" : ""}: ${typeText(f.type)}${f.hasDefault ? ` = ${literalText(f.default)}` : ""}`),
    ...(checked.includes(f.name) ? [" (checked)"] : []),
  ]);
}

/** Each as code, with `separator` between. */
export function joined(parts: readonly string[], separator: string): Inline[] {
  return parts.flatMap((p, i) => (i === 0 ? [code(p)] : [separator, code(p)]));
}

/** A description as a sentence followed by a space: a full stop added unless it ends in punctuation. */
export function sentence(description: string): string {
  return /[.!?]$/.test(description) ? `${description} ` : `${description}. `;
}

export function text(value: string | undefined): Inline[] {
  return value === undefined ? [] : [value];
}

export function heading(level: 1 | 2 | 3 | 4, content: readonly Inline[], ...anchor: readonly string[]): Block {
  return { kind: "heading", level, text: content, anchor: anchorOf(...anchor) };
}

export function paragraph(content: readonly Inline[]): Block {
  return { kind: "paragraph", text: content };
}

/** A table without the columns (past the first) that are empty in every row, such as descriptions nobody wrote. */
export function table(head: readonly string[], rows: readonly (readonly (readonly Inline[])[])[]): Block {
  const keep = head.map((_, i) => i === 0 || rows.some((row) => (row[i] ?? []).some((part) => part !== "")));
  return { kind: "table", head: head.filter((_, i) => keep[i]), rows: rows.map((row) => row.filter((_, i) => keep[i])) };
}

/** The last plain text without its trailing space. */
export function trimEnd(parts: Inline[]): Inline[] {
  const last = parts.at(-1);
  return typeof last === "string" ? [...parts.slice(0, -1), last.trimEnd()] : parts;
}
