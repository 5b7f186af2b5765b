import { isMap, isScalar, LineCounter, parseAllDocuments, visit, type YAMLError } from "yaml";
import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { keyText, rangeOfOffsets } from "./locate.js";
import type { SourceFile, TextFile } from "./source-file.js";

/** Aliases may be expanded this many times; more is an alias bomb ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses one YAML file, keeping positions. Returns undefined (with diagnostics) when the
 * text is not a single, well-formed YAML document.
 */
export function parseYaml(file: TextFile, diagnostics: DiagnosticCollector): SourceFile | undefined {
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
    const errors = [...doc.errors, ...doc.warnings];
    // Excessive nesting makes the parser report at every level and trip over itself
    // afterwards: one diagnostic at the first place says it all.
    const exhausted = errors.find((e) => e.code === "RESOURCE_EXHAUSTION");
    for (const error of exhausted ? [exhausted] : errors) {
      broken = true;
      reportYamlError(error, located, diagnostics, doc.contents);
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
      diagnostics.report("too-many-aliases", {}, rangeOfOffsets(located, firstAliasOffset(document), firstAliasOffset(document)));
      return undefined;
    }
    throw error;
  }
}

function reportYamlError(
  error: YAMLError,
  located: { displayPath: string; lineCounter: LineCounter },
  diagnostics: DiagnosticCollector,
  contents: unknown,
): void {
  const [start, end] = error.pos;
  const range = rangeOfOffsets(located, start, end);
  switch (error.code) {
    case "TAB_AS_INDENT":
      diagnostics.report("tab-indentation", {}, range);
      return;
    case "DUPLICATE_KEY": {
      const first = firstOccurrence(contents, start);
      const related = first === undefined ? [] : [{ ...rangeOfOffsets(located, first[0], first[1]), message: "first occurrence" }];
      diagnostics.report("duplicate-key", { key: duplicateKeyText(contents, start) ?? "?" }, range, { related });
      return;
    }
    case "RESOURCE_EXHAUSTION":
      diagnostics.report("nesting-too-deep", {}, range);
      return;
    default:
      diagnostics.report("yaml-syntax", { detail: cleanMessage(error.message) }, range);
  }
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
      if (!isMap(map)) return;
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

function duplicateKeyText(contents: unknown, offset: number): string | undefined {
  return findDuplicate(contents, offset)?.key;
}

function firstOccurrence(contents: unknown, offset: number): [number, number] | undefined {
  return findDuplicate(contents, offset)?.first;
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
