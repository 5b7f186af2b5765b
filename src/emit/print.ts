/**
 * A small layout printer (Wadler's, as prettier runs it) so the emitters print generated code
 * in fluvius's canonical style, which is prettier's default style, without running a formatter:
 * a group is printed on one line when it fits in 80 columns, else its lines break.
 */

export type Doc = string | readonly Doc[] | Group | Indent | Line | IfBreak | Conditional | Fluid;

/**
 * The right side of an `=` (prettier's fluid assignment layout): after a space when it fits
 * there up to its first possible line break, else on the next line, indented.
 */
interface Fluid {
  readonly kind: "fluid";
  readonly contents: Doc;
}

/** The first state that fits on its line, else the last, broken (prettier's conditionalGroup). */
interface Conditional {
  readonly kind: "conditional";
  readonly states: readonly Doc[];
}

interface Group {
  readonly kind: "group";
  readonly contents: Doc;
  /** Always broken: prettier breaks some constructs whatever their width, and a group around a hard line. */
  readonly broken: boolean;
}
interface Indent {
  readonly kind: "indent";
  readonly contents: Doc;
}
interface Line {
  readonly kind: "line";
  /** What the line is when its group is flat: a space, or nothing. */
  readonly flat: " " | "";
  /** Breaks whatever the group's mode. */
  readonly hard: boolean;
}
interface IfBreak {
  readonly kind: "if-break";
  readonly broken: Doc;
  readonly flat: Doc;
}

export const WIDTH = 80;

export const group = (contents: Doc, broken = false): Doc => ({ kind: "group", contents, broken: broken || containsBreak(contents) });
export const indent = (contents: Doc): Doc => ({ kind: "indent", contents });
/** A space, or a line break when the group breaks. */
export const line: Doc = { kind: "line", flat: " ", hard: false };
/** Nothing, or a line break when the group breaks. */
export const softline: Doc = { kind: "line", flat: "", hard: false };
export const hardline: Doc = { kind: "line", flat: "", hard: true };
export const ifBreak = (broken: Doc, flat: Doc = ""): Doc => ({ kind: "if-break", broken, flat });
export const conditional = (states: readonly Doc[]): Doc => ({ kind: "conditional", states });
export const fluid = (contents: Doc): Doc => ({ kind: "fluid", contents });

/** `docs` with `separator` between them. */
export function join(separator: Doc, docs: readonly Doc[]): Doc[] {
  const joined: Doc[] = new Array<Doc>(Math.max(0, docs.length * 2 - 1));
  for (let i = 0; i < docs.length; i++) {
    if (i > 0) joined[i * 2 - 1] = separator;
    joined[i * 2] = docs[i]!;
  }
  return joined;
}

type Mode = "flat" | "break";
interface Command {
  readonly indent: number;
  readonly mode: Mode;
  readonly doc: Doc;
}

/**
 * Whether a doc holds a hard line or an always-broken group outside of nested groups (whose
 * own flag already says so): then no group around it can be flat (prettier's break
 * propagation). Computed once, when the group is made.
 */
function containsBreak(doc: Doc): boolean {
  if (typeof doc === "string") return false;
  if (Array.isArray(doc)) return doc.some(containsBreak);
  const d = doc as Group | Indent | Line | IfBreak | Conditional | Fluid;
  switch (d.kind) {
    case "group":
      return d.broken;
    case "fluid":
      return containsBreak(d.contents);
    case "indent":
      return containsBreak(d.contents);
    case "line":
      return d.hard;
    case "if-break":
      return containsBreak(d.broken);
    // Like prettier, a break inside does not break the groups around it.
    case "conditional":
      return false;
  }
}

/** Whether `next` printed flat, then the rest up to its first possible line break, fits in `width` columns. */
function fits(next: Command, rest: readonly Command[], width: number): boolean {
  const stack: Command[] = [next];
  let restIndex = rest.length;
  let remaining = width;
  while (remaining >= 0) {
    let command = stack.pop();
    if (command === undefined) {
      if (restIndex === 0) return true;
      command = rest[--restIndex]!;
    }
    const { mode, doc } = command;
    if (typeof doc === "string") {
      remaining -= doc.length;
      continue;
    }
    if (Array.isArray(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) stack.push({ indent: command.indent, mode, doc: doc[i] as Doc });
      continue;
    }
    const d = doc as Group | Indent | Line | IfBreak | Conditional | Fluid;
    switch (d.kind) {
      case "fluid":
        stack.push({ indent: command.indent, mode, doc: [" ", d.contents] });
        break;
      case "conditional":
        stack.push({ indent: command.indent, mode, doc: (mode === "break" ? d.states.at(-1) : d.states[0]) ?? "" });
        break;
      case "group": {
        // A broken group's text up to its first line counts; the line ends the measure.
        stack.push({ indent: command.indent, mode: d.broken ? "break" : mode, doc: d.contents });
        break;
      }
      case "indent":
        stack.push({ indent: command.indent, mode, doc: d.contents });
        break;
      case "if-break":
        stack.push({ indent: command.indent, mode, doc: mode === "break" ? d.broken : d.flat });
        break;
      case "line":
        if (mode === "break" || d.hard) return true;
        remaining -= d.flat.length;
        break;
    }
  }
  return false;
}

/**
 * Prints a doc. `at` is the column the doc starts at and `base` the indentation its broken
 * lines start from (both spaces): a doc printed into a template line after a prefix.
 */
export function print(doc: Doc, options: { readonly base?: number; readonly at?: number } = {}): string {
  const base = options.base ?? 0;
  let column = options.at ?? base;
  const out: string[] = [];
  const commands: Command[] = [{ indent: base, mode: "break", doc }];
  while (commands.length > 0) {
    const command = commands.pop()!;
    const { indent: ind, mode, doc: d } = command;
    if (typeof d === "string") {
      out.push(d);
      column += d.length;
      continue;
    }
    if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) commands.push({ indent: ind, mode, doc: d[i] as Doc });
      continue;
    }
    const node = d as Group | Indent | Line | IfBreak | Conditional | Fluid;
    switch (node.kind) {
      case "fluid": {
        const after: Command = { indent: ind, mode, doc: [" ", node.contents] };
        const stays = mode === "flat" || fits({ ...after, mode: "break" }, commands, WIDTH - column);
        commands.push(stays ? after : { indent: ind, mode: "break", doc: indent([hardline, node.contents]) });
        break;
      }
      case "conditional": {
        if (mode === "flat") {
          commands.push({ indent: ind, mode: "flat", doc: node.states[0] ?? "" });
          break;
        }
        const chosen = node.states.slice(0, -1).find((state) => fits({ indent: ind, mode: "flat", doc: state }, commands, WIDTH - column));
        commands.push(chosen === undefined ? { indent: ind, mode: "break", doc: node.states.at(-1) ?? "" } : { indent: ind, mode: "flat", doc: chosen });
        break;
      }
      case "group": {
        const broken = node.broken;
        if (mode === "flat" && !broken) {
          commands.push({ indent: ind, mode: "flat", doc: node.contents });
          break;
        }
        const flat: Command = { indent: ind, mode: "flat", doc: node.contents };
        commands.push(!broken && fits(flat, commands, WIDTH - column) ? flat : { indent: ind, mode: "break", doc: node.contents });
        break;
      }
      case "indent":
        commands.push({ indent: ind + 2, mode, doc: node.contents });
        break;
      case "if-break":
        commands.push({ indent: ind, mode, doc: mode === "break" ? node.broken : node.flat });
        break;
      case "line":
        if (mode === "flat" && !node.hard) {
          out.push(node.flat);
          column += node.flat.length;
          break;
        }
        {
          // No trailing spaces before a line break.
          const last = out.length - 1;
          if (last >= 0 && out[last]!.endsWith(" ")) out[last] = out[last]!.replace(/ +$/, "");
        }
        out.push(`\n${" ".repeat(ind)}`);
        column = ind;
        break;
    }
  }
  return out.join("");
}

/** Prints `doc` where a template line already holds `prefix` at indentation `base`, and `suffix` follows it. */
export function printAfter(prefix: string, doc: Doc, suffix = "", base = 0): string {
  const text = print([prefix, doc, suffix], { base });
  return text.slice(prefix.length, text.length - suffix.length);
}

// ─── JavaScript values and TypeScript types, as prettier prints them ───────

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An object key: bare when it can be (prettier's `quoteProps: as-needed`). */
export function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** A code fragment, already printed, among JSON values (a function, a reference). */
export class Code {
  constructor(readonly doc: Doc) {}
}

export type JsValue = string | number | boolean | null | Code | readonly JsValue[] | { readonly [key: string]: JsValue | undefined };

/** `{ a, b }` flat when it fits, else one entry per line with a trailing comma. */
export function objectDoc(entries: readonly Doc[], broken = false): Doc {
  if (entries.length === 0) return "{}";
  return group(["{", indent([line, join([",", line], entries)]), ifBreak(","), line, "}"], broken);
}

/** `[a, b]` flat when it fits, else one element per line with a trailing comma. */
export function arrayDoc(elements: readonly Doc[], broken = false): Doc {
  if (elements.length === 0) return "[]";
  return group(["[", indent([softline, join([",", line], elements)]), ifBreak(","), softline, "]"], broken);
}

function entriesOf(value: JsValue): number {
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === "object" && !(value instanceof Code)) return Object.values(value).filter((v) => v !== undefined).length;
  return 0;
}

/**
 * A JSON-like value as a JavaScript literal, as prettier prints it: an array of more than one
 * object (or array) each with more than one entry is always broken, one element per line.
 */
export function valueDoc(value: JsValue): Doc {
  if (value instanceof Code) return value.doc;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value as readonly JsValue[];
    const first = items[0];
    const kind = (v: JsValue | undefined) => (Array.isArray(v) ? "array" : v !== null && typeof v === "object" && !(v instanceof Code) ? "object" : "other");
    const broken = items.length > 1 && kind(first) !== "other" && items.every((v) => kind(v) === kind(first) && entriesOf(v) > 1);
    return arrayDoc(items.map(valueDoc), broken);
  }
  return objectDoc(entriesDoc(value as { readonly [key: string]: JsValue | undefined }));
}

/** The `key: value` entries of an object literal (undefined values left out). */
export function entriesDoc(value: { readonly [key: string]: JsValue | undefined }): Doc[] {
  const entries = Object.entries(value).filter((e): e is [string, JsValue] => e[1] !== undefined);
  return entries.map(([k, v]) => propertyDoc(propertyKey(k), v));
}

/** A reference (an identifier, an expression) among values. */
export const code = (doc: Doc): Code => new Code(doc);

/** `key: value`; a long string or number goes on the next line when it does not fit after the key. */
function propertyDoc(key: string, value: JsValue): Doc {
  if (typeof value === "string" || typeof value === "number") return group([key, ":", indent([line, JSON.stringify(value)])]);
  if (value instanceof Code && typeof value.doc === "string") return entryDoc(key, value.doc);
  return [key, ": ", valueDoc(value)];
}

/** A string literal, a member chain (`event.event.data.x`, `a?.b`) or a `??` of them: what prettier moves after the colon when it does not fit. */
const BREAKS_AFTER_COLON = /^("([^"\\]|\\.)*"|[A-Za-z_$][\w$]*((\??\.[A-Za-z_$][\w$]*)|\[("[^"]*"|\d+)\])+( \?\? .+)?)$/;

/**
 * `key: value` of an object literal, the value an expression already printed. A string, a
 * member chain or a `??` goes on the next line, indented, when it does not fit after the key
 * (prettier's break-after-operator layout); anything else stays after the colon.
 */
export function entryDoc(key: string, value: string): Doc {
  return BREAKS_AFTER_COLON.test(value) ? group([key, ":", indent([line, value])]) : `${key}: ${value}`;
}

/**
 * `export type Name = A | B;`: on one line when it fits, else the union on the next line when
 * it fits there, else one member per line, each after `| ` (as prettier lays out a type alias).
 */
export function typeAliasDoc(head: string, members: readonly Doc[]): Doc {
  // One type: on the next line when it does not fit after the `=` up to where it could break.
  if (members.length === 1) return [head, " =", fluid(members[0]!), ";"];
  return group([
    head,
    " =",
    indent([
      line,
      group([
        ifBreak("| "),
        join(
          [line, "| "],
          members.map((m) => indent(m)),
        ),
      ]),
    ]),
    ";",
  ]);
}

/** A union type: flat when it fits, else one member per line, each after `| `. */
export function unionDoc(members: readonly Doc[]): Doc {
  if (members.length === 1) return members[0]!;
  // A member that breaks (an object type) is aligned after its `| `.
  return group(
    indent([
      softline,
      ifBreak("| "),
      join(
        [line, "| "],
        members.map((m) => indent(m)),
      ),
    ]),
  );
}

/** `Name<A, B>` flat when it fits, else one argument per line (no trailing comma in type arguments). */
export function typeArgumentsDoc(name: string, args: readonly Doc[]): Doc {
  return group([name, "<", indent([softline, join([",", line], args)]), softline, ">"]);
}

/** `import { a, type B } from "m";` flat when it fits, else one name per line. */
export function importDoc(names: readonly string[], from: string, typeOnly = false): string {
  const keyword = typeOnly ? "import type " : "import ";
  // Like prettier, an import of one name stays on one line however long.
  if (names.length === 1) return `${keyword}{ ${names[0]} } from ${JSON.stringify(from)};`;
  return print([keyword, objectDoc(names), ` from ${JSON.stringify(from)};`]);
}

/** `(a: A, b: B)` flat when it fits, else one parameter per line with a trailing comma. */
export function parametersDoc(parameters: readonly Doc[]): Doc {
  if (parameters.length === 0) return "()";
  return group(["(", indent([softline, join([",", line], parameters)]), ifBreak(","), softline, ")"]);
}

/**
 * `f({ … })`: a call whose only argument is an object literal hugs it (`f({` … `})`) when
 * `f({` fits on its line, else the object goes on a line of its own (prettier's last-argument expansion).
 */
export function huggedCallDoc(callee: Doc, entries: readonly Doc[]): Doc {
  const object = objectDoc(entries);
  const broken = objectDoc(entries, true);
  return [callee, conditional([["(", object, ")"], ["(", broken, ")"], group(["(", indent([line, object]), ",", line, ")"], true)])];
}

/**
 * `f(a, b)`: the arguments flat when they fit, else one per line with a trailing comma. With
 * `expandedLast` (the last argument broken: an object, an array, an arrow function), the call
 * first tries to hug it, `f(a, {` … `})`, as prettier's last-argument expansion does.
 */
export function callDoc(callee: Doc, args: readonly Doc[], expandedLast?: Doc): Doc {
  if (args.length === 0) return [callee, "()"];
  const allBroken = group(["(", indent([line, join([",", line], args)]), ",", line, ")"], true);
  if (expandedLast === undefined) return [callee, group(["(", indent([softline, join([",", line], args)]), ifBreak(","), softline, ")"])];
  const hugged = [...args.slice(0, -1), group(expandedLast, true)];
  return [callee, conditional([["(", join(", ", args), ")"], ["(", join(", ", hugged), ")"], allBroken])];
}

/**
 * An arrow function. A body that is an object, an array or a block stays after the arrow
 * (`hug`); any other goes on the next line when it does not fit after it.
 */
export function arrowDoc(parameters: string, body: Doc, hug: boolean): Doc {
  if (hug) return [parameters, " => ", body];
  return group([parameters, " =>", group(indent([line, body]))]);
}

/** A whole statement printed at indentation `base` (spaces). */
export function statement(doc: Doc, base = 0): string {
  return print(doc, { base });
}
