import jsYaml from "js-yaml";
import { isMap, isScalar, LineCounter, parseAllDocuments, visit, type YAMLError } from "yaml";
import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { keyText, rangeOfOffsets } from "./locate.js";
import { type LocatedDocument, locatedDocument } from "./located-document.js";
import type { SourceFile, TextFile } from "./source-file.js";

/** Aliases may be expanded this many times; more is an alias bomb ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;
/** An anchor (`&name`) anywhere: such files take the careful path, which limits alias expansion. */
const ANCHOR = /(?:^|[\s[{,:-])&[^\s,[\]{}]/m;

/**
 * Parses one YAML file. Clean files take a fast path without positions (js-yaml, about ten
 * times faster); positions are computed with `yaml` only when a diagnostic needs one. Any
 * file the fast path refuses is parsed carefully, and every problem is reported with its
 * position. Returns undefined when the text is not a single, well-formed YAML document.
 */
export function parseYaml(file: TextFile, diagnostics: DiagnosticCollector): SourceFile | undefined {
  const fast = parseFast(file.text);
  if (fast !== undefined) return lazySourceFile(file, fast.value);
  return parseCarefully(file, diagnostics);
}

function parseFast(text: string): { value: unknown } | undefined {
  if (ANCHOR.test(text)) return undefined;
  try {
    // CORE_SCHEMA matches `yaml`'s YAML 1.2 core schema (no timestamps, no merge keys);
    // `json: false` makes duplicate keys an error.
    const value: unknown = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, json: false });
    return value === null || value === undefined ? undefined : { value };
  } catch {
    // Whatever js-yaml refuses, the careful path reports with a position.
    return undefined;
  }
}

/** A source file whose positions are computed on first use, once. */
function lazySourceFile(file: TextFile, value: unknown): SourceFile {
  let parsed: LocatedDocument | undefined;
  const positions = () => {
    parsed ??= locatedDocument(file.text);
    return parsed;
  };
  return {
    ...file,
    value,
    get document() {
      return positions().document;
    },
    get lineCounter() {
      return positions().lineCounter;
    },
  };
}

function parseCarefully(file: TextFile, diagnostics: DiagnosticCollector): SourceFile | undefined {
  const lineCounter = new LineCounter();
  const located = { displayPath: file.displayPath, lineCounter };
  const parsed = parseAllDocuments(file.text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const documents = Array.isArray(parsed) ? parsed : [];
  const [document, second] = documents;
  if (!document || document.contents === null) {
    diagnostics.report("empty-file", {}, rangeOfOffsets(located, 0, 0));
    return undefined;
  }
  let broken = false;
  for (const doc of documents) {
    for (const error of significantErrors([...doc.errors, ...doc.warnings])) {
      broken = true;
      reportYamlError(error, located, diagnostics, doc.contents, file.text);
    }
  }
  if (second) {
    const start = second.range[0];
    diagnostics.report("multiple-documents", {}, rangeOfOffsets(located, start, start + 3));
    broken = true;
  }
  if (broken) return undefined;
  try {
    const value: unknown = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { ...file, lineCounter, document, value };
  } catch (error) {
    // yaml documents this: toJS throws a ReferenceError when expanding aliases exceeds the budget.
    if (error instanceof ReferenceError) {
      const offset = firstAliasOffset(document);
      diagnostics.report("too-many-aliases", {}, rangeOfOffsets(located, offset, offset));
      return undefined;
    }
    throw error;
  }
}

/**
 * After a syntax error the parser reports a follow-on error at nearly every later token,
 * and excessive nesting is reported at every level: the first of each says it all.
 * Tabs and duplicate keys are independent mistakes and are all reported.
 */
function significantErrors(errors: readonly YAMLError[]): YAMLError[] {
  const exhausted = errors.find((e) => e.code === "RESOURCE_EXHAUSTION");
  if (exhausted) return [exhausted];
  const independent = new Set(["TAB_AS_INDENT", "DUPLICATE_KEY"]);
  const firstSyntax = errors.find((e) => !independent.has(e.code));
  return errors.filter((e) => independent.has(e.code) || e === firstSyntax);
}

/** The offset of the first opening bracket of the run of `[`, `{` and spaces that ends at `offset`. */
function startOfBracketRun(text: string, offset: number): number {
  let first = offset;
  for (let i = Math.min(offset, text.length - 1); i >= 0; i--) {
    const c = text[i];
    if (c === "[" || c === "{") first = i;
    else if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") break;
  }
  return first;
}

function reportYamlError(
  error: YAMLError,
  located: { displayPath: string; lineCounter: LineCounter },
  diagnostics: DiagnosticCollector,
  contents: unknown,
  text: string,
): void {
  const [start, end] = error.pos;
  const range = rangeOfOffsets(located, start, end);
  const arrayType = unquotedArrayType(text, start);
  if (arrayType !== undefined && error.code !== "TAB_AS_INDENT" && error.code !== "DUPLICATE_KEY") {
    diagnostics.report("unquoted-array-type", { type: arrayType }, rangeOfOffsets(located, start - arrayType.length, start + 2));
    return;
  }
  switch (error.code) {
    case "TAB_AS_INDENT":
      diagnostics.report("tab-indentation", {}, range);
      return;
    case "DUPLICATE_KEY": {
      const duplicate = findDuplicate(contents, start);
      const related =
        duplicate?.first === undefined ? [] : [{ ...rangeOfOffsets(located, duplicate.first[0], duplicate.first[1]), message: "first occurrence" }];
      diagnostics.report("duplicate-key", { key: duplicate?.key ?? "?" }, range, { related });
      return;
    }
    case "RESOURCE_EXHAUSTION": {
      // The parser gives up where its stack ran out, which varies from run to run; the run of
      // brackets that leads there starts at one place.
      const first = startOfBracketRun(text, start);
      diagnostics.report("nesting-too-deep", {}, rangeOfOffsets(located, first, first + 1));
      return;
    }
    default:
      diagnostics.report("yaml-syntax", { detail: cleanMessage(error.message) }, range);
  }
}

/**
 * `{ items: OrderLine[] }`: inside a flow mapping `[` starts a list, so the parser stops at the
 * `[` right after a type name. The type name when that is where it stopped (`[]` follows).
 */
function unquotedArrayType(text: string, offset: number): string | undefined {
  if (text.slice(offset, offset + 2) !== "[]") return undefined;
  return /([A-Za-z][A-Za-z0-9_]*)$/.exec(text.slice(Math.max(0, offset - 100), offset))?.[1];
}

/** yaml appends " at line X, column Y" and a code frame; we print our own. */
function cleanMessage(message: string): string {
  const firstLine = message.split("\n")[0] ?? message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, "").trim();
}

/** Finds the duplicated key that starts at `offset` and the range of its first occurrence. */
function findDuplicate(contents: unknown, offset: number): { key: string; first?: [number, number] } | undefined {
  let result: { key: string; first?: [number, number] } | undefined;
  visit(contents as Parameters<typeof visit>[0], {
    Map(_, map) {
      if (!isMap(map)) return undefined;
      const seen = new Map<string, [number, number]>();
      for (const pair of map.items) {
        const text = keyText(pair.key);
        const range = isScalar(pair.key) ? pair.key.range : undefined;
        if (text === undefined || !range) continue;
        if (range[0] === offset) {
          const first = seen.get(text);
          result = first ? { key: text, first } : { key: text };
          return visit.BREAK;
        }
        if (!seen.has(text)) seen.set(text, [range[0], range[1]]);
      }
      return undefined;
    },
  });
  return result;
}

function firstAliasOffset(document: { contents: unknown }): number {
  let offset = 0;
  visit(document.contents as Parameters<typeof visit>[0], {
    Alias(_, alias) {
      offset = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}
