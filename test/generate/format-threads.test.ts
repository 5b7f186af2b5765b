/**
 * The formatting threads of a big generation (src/write/format.ts): they exist only in the
 * built code (`npm test` builds first), so this imports dist/. Many texts, some rendered
 * lazily and some left unformatted, must come back exactly as prettier formats them in
 * this thread, each reported once as it arrives; a text prettier refuses is an error that
 * names the cause, not a hang.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as prettier from "prettier";
import { afterAll, expect, test } from "vitest";
import type { Formatter as FormatterType } from "../../src/write/format.js";

const { Formatter } = (await import(new URL("../../dist/write/format.js", import.meta.url).href)) as { Formatter: typeof FormatterType };
const project = mkdtempSync(path.join(tmpdir(), "fluvius-format-threads-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const moduleText = (i: number) =>
  `export const schema${i} = {"type":"object","properties":{"name${i}":{"type":"string","maxLength":${i}}},"required":["name${i}"]} as const;\n` +
  `export function evolve${i}(state: {count: number}, by: number) { return {...state, count: state.count + by} }\n`;

test("threads format like prettier does here, leave unformatted texts alone and report each result once", async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on("warning", onWarning);
  const formatter = new Formatter(project);
  try {
    const items = Array.from({ length: 150 }, (_, i) =>
      i % 50 === 7
        ? { text: () => `{"openapi": "3.1.0", "index": ${i}}\n`, language: "none" as const }
        : { text: i % 2 === 0 ? moduleText(i) : () => moduleText(i), language: "typescript" as const },
    );
    const reported = new Map<number, string>();
    const results = await formatter.formatAll(items, (index, text) => {
      expect(reported.has(index), `result ${index} reported twice`).toBe(false);
      reported.set(index, text);
    });

    expect(results).toHaveLength(items.length);
    expect(reported.size).toBe(items.length);
    for (const [i, item] of items.entries()) {
      const source = typeof item.text === "string" ? item.text : item.text();
      const expected = item.language === "none" ? source : await prettier.format(source, { parser: "babel-ts", endOfLine: "lf" });
      expect(results[i], `item ${i}`).toBe(expected);
      expect(reported.get(i), `item ${i} as reported`).toBe(expected);
    }
    // Many texts in flight on one thread need no more listeners than one.
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
  } finally {
    process.off("warning", onWarning);
    await formatter.close();
  }
});

test("a text prettier cannot parse fails the run with prettier's reason", async () => {
  const formatter = new Formatter(project);
  try {
    const items = Array.from({ length: 60 }, (_, i) => ({ text: i === 33 ? "export const broken = {;\n" : moduleText(i), language: "typescript" as const }));
    await expect(formatter.formatAll(items)).rejects.toThrow(/prettier could not format generated code \(a bug in fluvius\): .*Unexpected token/);
  } finally {
    await formatter.close();
  }
});
