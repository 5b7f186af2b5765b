/**
 * The docs as a small document tree, built once from the model and rendered by markdown.ts and
 * html.ts, so the two formats always say the same thing.
 */

/** Plain text, or a name/value shown as code. */
export type Inline = string | { readonly code: string };

export type Block =
  | { readonly kind: "heading"; readonly level: 1 | 2 | 3 | 4; readonly text: readonly Inline[]; readonly anchor: string }
  | { readonly kind: "paragraph"; readonly text: readonly Inline[] }
  | { readonly kind: "table"; readonly head: readonly string[]; readonly rows: readonly (readonly (readonly Inline[])[])[] }
  | { readonly kind: "diagram"; readonly mermaid: string }
  | { readonly kind: "list"; readonly items: readonly (readonly Inline[])[] };

export interface DocsDocument {
  readonly title: string;
  readonly blocks: readonly Block[];
}

export const code = (text: string): Inline => ({ code: text });

/** `a`, `b` and `c` as code, comma-separated; `none` for an empty list. */
export function codeList(names: readonly string[], none = "none"): Inline[] {
  if (names.length === 0) return [none];
  return names.flatMap((name, i) => (i === 0 ? [code(name)] : [", ", code(name)]));
}

/** An anchor of letters, digits and dashes (what GitHub derives from a heading, near enough, and stable). */
export function anchorOf(...parts: readonly string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
