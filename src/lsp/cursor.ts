/**
 * Where the cursor is in a YAML buffer that is being typed, so usually not valid YAML: read
 * from the indentation of the lines above (block style) and the flow brackets on the line.
 */
export type CursorContext =
  /** Typing a key of the mapping at `mapPath`. */
  | { readonly kind: "key"; readonly mapPath: readonly (string | number)[]; readonly prefix: string }
  /** Typing the value at `valuePath` (a sequence item ends in its index). */
  | { readonly kind: "value"; readonly valuePath: readonly (string | number)[]; readonly prefix: string }
  /** After `- `: a scalar item or the first key of a mapping item, as the schema says. */
  | { readonly kind: "item"; readonly itemPath: readonly (string | number)[]; readonly prefix: string };

const LINE = /^(\s*)((?:-\s+)?)(.*)$/;
const KEY = /^("[^"]*"|'[^']*'|[^\s:"'#{}[\],][^:#]*?)\s*:(?:\s+|$)(.*)$/;

function unquote(key: string): string {
  return /^["'].*["']$/.test(key) ? key.slice(1, -1) : key;
}

interface Line {
  readonly dash?: number;
  readonly keyIndent: number;
  readonly key?: string;
}

function readLine(text: string): Line | undefined {
  if (text.trim() === "" || text.trimStart().startsWith("#")) return undefined;
  const [, indent = "", dash = "", rest = ""] = LINE.exec(text) ?? [];
  const key = KEY.exec(rest)?.[1];
  return { ...(dash === "" ? {} : { dash: indent.length }), keyIndent: indent.length + dash.length, ...(key === undefined ? {} : { key: unquote(key) }) };
}

/**
 * The path of the mapping or sequence that holds column `indent` of line `lineNo`, read upwards:
 * each less-indented key is a parent, each dash a sequence item (counted for its index).
 */
function parentsOf(lines: readonly string[], lineNo: number, indent: number, inItem: boolean): (string | number)[] {
  let seq: { indent: number; index: number } | undefined = inItem ? { indent, index: 0 } : undefined;
  const out: (string | number)[] = inItem ? [0] : [];
  let current = indent;
  for (let n = lineNo - 1; n >= 0 && current > 0; n--) {
    const line = readLine(lines[n] ?? "");
    if (!line) continue;
    if (seq && line.dash === seq.indent) {
      seq.index++;
      continue;
    }
    if (line.dash !== undefined && line.dash < current) {
      if (line.key !== undefined && line.keyIndent < current) out.push(line.key);
      seq = { indent: line.dash, index: 0 };
      out.push(seq.index);
      current = line.dash;
      continue;
    }
    if (line.key !== undefined && line.keyIndent < current) {
      if (seq) out[out.length - 1] = seq.index;
      seq = undefined;
      out.push(line.key);
      current = line.keyIndent;
    }
  }
  if (seq) out[out.length - 1] = seq.index;
  return out.reverse();
}

export function cursorContext(text: string, line: number, character: number): CursorContext {
  const lines = text.split("\n");
  const before = (lines[line] ?? "").slice(0, character);
  const [, indent = "", dash = "", rest = ""] = LINE.exec(before) ?? [];
  const inItem = dash !== "";
  const path = parentsOf(lines, line, indent.length, inItem);
  const keyed = KEY.exec(rest);
  if (!keyed) {
    if (/[{[]/.test(rest)) return flowContext(path, rest);
    const prefix = /[^\s[{,]*$/.exec(rest)?.[0] ?? "";
    return inItem ? { kind: "item", itemPath: path, prefix } : { kind: "key", mapPath: path, prefix };
  }
  return flowContext([...path, unquote(keyed[1] ?? "")], keyed[2] ?? "");
}

/** Inside `{ a: x, b` or `[x, y`: which key or item of the flow collection the cursor is in. */
function flowContext(outer: readonly (string | number)[], value: string): CursorContext {
  const path = [...outer];
  const stack: { open: "{" | "["; key?: string; items: number; atKey: boolean }[] = [];
  let token = "";
  for (const ch of value) {
    const top = stack[stack.length - 1];
    if (ch === "{" || ch === "[") {
      if (top?.open === "{" && top.key !== undefined) path.push(top.key);
      else if (top?.open === "[") path.push(top.items);
      stack.push({ open: ch, items: 0, atKey: ch === "{" });
      token = "";
    } else if ((ch === "}" || ch === "]") && top) {
      stack.pop();
      if (stack.length > 0) path.pop();
      token = "";
    } else if (ch === "," && top) {
      top.items++;
      top.atKey = top.open === "{";
      delete top.key;
      token = "";
    } else if (ch === ":" && top?.open === "{" && top.atKey) {
      top.key = token.trim();
      top.atKey = false;
      token = "";
    } else token += ch;
  }
  const top = stack[stack.length - 1];
  const prefix = /[^\s]*$/.exec(token)?.[0] ?? "";
  if (!top) return { kind: "value", valuePath: path, prefix };
  if (top.open === "[") return { kind: "value", valuePath: [...path, top.items], prefix };
  if (top.atKey) return { kind: "key", mapPath: path, prefix };
  return { kind: "value", valuePath: [...path, top.key ?? ""], prefix };
}
