import { isAlias, isCollection, isMap, isNode, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from "yaml";
import type { Position, SourceRange } from "../diagnostics/diagnostic.js";
import type { DataPath, SourceFile } from "./source-file.js";

/** Which part of a mapping entry a diagnostic points at. */
export type Part = "key" | "value";

/**
 * The source range of the node at `path`. For `key`, the mapping key of the last segment;
 * for `value`, its value. When the path runs past the document (it should not), the
 * deepest node found stands in, so a diagnostic always has a position.
 */
export function rangeAt(file: SourceFile, path: DataPath, part: Part = "value"): SourceRange {
  const doc = file.document;
  let node: Node | null = doc.contents;
  let pair: Pair | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc) ?? null;
    if (isMap(node)) {
      pair = pairsByKey(node).get(String(segment));
      if (!pair) break;
      node = isNode(pair.value) ? pair.value : null;
    } else if (isSeq(node) && typeof segment === "number") {
      const item: unknown = node.items[segment];
      pair = undefined;
      if (!isNode(item)) break;
      node = item;
    } else {
      break;
    }
  }
  const target = part === "key" && pair && isNode(pair.key) ? pair.key : (node ?? (pair && isNode(pair.key) ? pair.key : null));
  if (target?.range) return rangeOfOffsets(file, target.range[0], target.range[1]);
  return rangeOfOffsets(file, 0, 0);
}

const pairIndexes = new WeakMap<YAMLMap, ReadonlyMap<string, Pair>>();

/**
 * A mapping's entries by key, built once per mapping: searching the entries for every
 * diagnostic made locating thousands of them in one big mapping quadratic. The first entry
 * of a duplicated key wins, as a search would find it.
 */
function pairsByKey(map: YAMLMap): ReadonlyMap<string, Pair> {
  let index = pairIndexes.get(map);
  if (index === undefined) {
    const pairs = new Map<string, Pair>();
    for (const pair of map.items) {
      const key = keyText(pair.key);
      if (key !== undefined && !pairs.has(key)) pairs.set(key, pair);
    }
    index = pairs;
    pairIndexes.set(map, index);
  }
  return index;
}

export function rangeOfOffsets(file: SourceFile | { displayPath: string; lineCounter: SourceFile["lineCounter"] }, start: number, end: number): SourceRange {
  return { file: file.displayPath, start: position(file.lineCounter, start), end: position(file.lineCounter, Math.max(start, end)) };
}

function position(lineCounter: SourceFile["lineCounter"], offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (isCollection(key) || isPair(key)) return undefined;
  return key === null || key === undefined ? undefined : String(key);
}
