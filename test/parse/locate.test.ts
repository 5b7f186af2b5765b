import { isMap, LineCounter, parseDocument } from "yaml";
import { describe, expect, test } from "vitest";
import { rangeAt } from "../../src/parse/locate.js";
import type { SourceFile } from "../../src/parse/source-file.js";

function sourceFile(text: string): SourceFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: false });
  return { path: "/a.yaml", displayPath: "a.yaml", text, value: document.toJS(), document, lineCounter };
}

describe("rangeAt", () => {
  test("finds keys and values in a mapping; the first of a duplicated key wins", () => {
    const file = sourceFile("a: 1\nb:\n  c: [x, y]\na: 2\n");
    expect(rangeAt(file, ["a"], "key")).toMatchObject({ start: { line: 1, column: 1 } });
    expect(rangeAt(file, ["b", "c", 1])).toMatchObject({ start: { line: 3, column: 10 }, end: { line: 3, column: 11 } });
    expect(rangeAt(file, ["a"], "value")).toMatchObject({ start: { line: 1, column: 4 } });
  });

  test("locating every key of a big mapping reads its entries once, not once per lookup", () => {
    const keys = 5_000;
    const file = sourceFile(Array.from({ length: keys }, (_, i) => `k${i}: ${i}`).join("\n"));
    const map = file.document.contents;
    if (!isMap(map)) throw new Error("not a mapping");
    // Count every walk over the entries: a search (find) or an iteration.
    let walks = 0;
    map.items = new Proxy(map.items, {
      get(target, property, receiver) {
        if (property === "find" || property === Symbol.iterator || property === "forEach") walks++;
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    for (let i = 0; i < keys; i++) expect(rangeAt(file, [`k${i}`], "key").start.line).toBe(i + 1);
    expect(walks).toBeLessThanOrEqual(1);
  });
});
