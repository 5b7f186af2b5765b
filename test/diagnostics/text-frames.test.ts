import { existsSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { codeFrameColumns } from "@babel/code-frame";
import { describe, expect, test, vi } from "vitest";
import { compile } from "../../src/compile.js";
import type { Diagnostic, SourceRange } from "../../src/diagnostics/diagnostic.js";
import { codeFrames } from "../../src/diagnostics/format/code-frame.js";
import { formatText } from "../../src/diagnostics/format/text.js";
import { fixtureCases, fixtureHost, fixtureSettings } from "../helpers/fixtures.js";

/** What code-frame is handed, call by call: the text printing costs in proportion to. */
const handed = vi.hoisted(() => ({ characters: 0, calls: 0 }));
vi.mock("@babel/code-frame", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@babel/code-frame")>();
  return {
    ...actual,
    codeFrameColumns: (...args: Parameters<typeof actual.codeFrameColumns>) => {
      handed.characters += args[0].length;
      handed.calls += 1;
      return actual.codeFrameColumns(...args);
    },
  };
});

/** The frame as it was printed before: code-frame given the whole file (plain). */
function wholeFileFrame(source: string, range: SourceRange): string | undefined {
  if (source.length === 0) return undefined;
  const { start, end } = range;
  const sameLine = end.line === start.line && end.column > start.column;
  const frame = codeFrameColumns(source, { start, ...(sameLine ? { end } : {}) }, { highlightCode: false, linesAbove: 2, linesBelow: 1 });
  return frame === "" ? undefined : frame;
}

const plain = (text: string | undefined) => (text === undefined ? undefined : stripVTControlCharacters(text));

function range(start: [number, number], end: [number, number] = start): SourceRange {
  return { file: "a.yaml", start: { line: start[0], column: start[1] }, end: { line: end[0], column: end[1] } };
}

function diagnostic(r: SourceRange): Diagnostic {
  return { code: "unknown-type", severity: "error", message: "Unknown type.", range: r, related: [] };
}

describe("code frames print only the lines they show", () => {
  test("the frames of every invalid fixture are those code-frame prints from the whole file", async () => {
    let compared = 0;
    for (const { dir } of fixtureCases("invalid")) {
      const settings = fixtureSettings(dir);
      const result = await compile({
        host: fixtureHost(dir, settings),
        inputs: existsSync(path.join(dir, "fluvius.yaml")) ? [] : ["spec"],
        ...(settings.maxFileBytes === undefined ? {} : { maxFileBytes: settings.maxFileBytes }),
      });
      for (const color of [false, true]) {
        const frames = codeFrames(result.sources, { color });
        for (const d of [...result.diagnostics, ...result.diagnostics.flatMap((x) => x.related.map((r) => ({ ...x, range: r })))]) {
          const source = result.sources.get(d.range.file);
          if (source === undefined) continue;
          // In colour, the same text with paint on it.
          expect(plain(frames(d.range)), `${d.range.file}:${d.range.start.line}:${d.range.start.column}`).toEqual(wholeFileFrame(source, d.range));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  const edges: [string, string, SourceRange][] = [
    ["the first line", "a: 1\nb: 2\nc: 3\nd: 4\n", range([1, 1], [1, 2])],
    ["the second line", "a: 1\nb: 2\nc: 3\nd: 4\n", range([2, 4], [2, 5])],
    ["the last line, no final newline", "a: 1\nb: 2\nc: 3\nd: 4", range([4, 1], [4, 5])],
    ["the line after the final newline", "a: 1\nb: 2\n", range([3, 1])],
    ["past the end of the file", "a: 1\nb: 2\n", range([9, 1])],
    ["a range over several lines", "a:\n  b: 1\n  c: 2\nd: 3\ne: 4\n", range([2, 3], [3, 7])],
    ["a zero-width range", "a: 1\nb: 2\nc: 3\n", range([2, 3])],
    ["line numbers that grow a digit", `${Array.from({ length: 120 }, (_, i) => `k${i}: v`).join("\n")}\n`, range([99, 1], [99, 4])],
    ["CRLF line ends", "a: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\n", range([3, 1], [3, 2])],
    ["lone CR and a line separator", "a: 1\rb: 2\u2028c: 3\nd: 4\n", range([3, 1], [3, 2])],
    ["tabs before the column", "a:\n\t\tb: 1\nc: 2\n", range([2, 3], [2, 4])],
    ["a single line file", "domain: x", range([1, 9], [1, 10])],
  ];
  test.each(edges)("the frame at %s is unchanged", (_name, source, r) => {
    for (const color of [false, true]) {
      expect(plain(codeFrames(new Map([["a.yaml", source]]), { color })(r))).toEqual(wholeFileFrame(source, r));
    }
  });

  test("in colour only the pointer and the carets are painted: the spec is never highlighted as JavaScript", () => {
    const source = "domain: x\nfunction: true\nclass: { new: 1 }\n";
    const frame = codeFrames(new Map([["a.yaml", source]]), { color: true })(range([2, 1], [2, 9]))!;
    expect(frame).toContain("\u001b[");
    // Every line's spec text is there verbatim, unpainted.
    for (const line of ["domain: x", "function: true", "class: { new: 1 }"]) expect(frame).toContain(` | ${line}`);
    // Text right after a code that turns a style on (not a reset: 0, 22, 39).
    // eslint-disable-next-line no-control-regex -- the escape codes are what this test reads
    const painted = [...frame.matchAll(/\u001b\[(?!(?:0|22|39)m)[\d;]*m([^\u001b]+)/g)].map((m) => m[1] ?? "").filter((t) => t.trim() !== "");
    expect(painted).toEqual([">", "^^^^^^^^"]);
    expect(codeFrames(new Map([["a.yaml", source]]), { color: false })(range([2, 1], [2, 9]))).not.toContain("\u001b[");
  });

  test("formatText hands code-frame a few lines per diagnostic, not the whole file: 4,000 diagnostics on a 40,000-line file", () => {
    const lineCount = 40_000;
    const source = `${Array.from({ length: lineCount }, (_, i) => `      field${i}: Unknown${i}`).join("\n")}\n`;
    const diagnostics = Array.from({ length: 4_000 }, (_, i) => diagnostic({ ...range([i * 10 + 1, 14], [i * 10 + 1, 22]), file: "big.yaml" }));
    handed.characters = 0;
    handed.calls = 0;
    const text = formatText(diagnostics, { color: false, sources: new Map([["big.yaml", source]]) });
    expect(text.match(/^ {2}> /gm)).toHaveLength(4_000);
    expect(handed.calls).toBe(4_000);
    // At most linesAbove + the line + linesBelow (4 lines of about 30 characters) per frame.
    expect(handed.characters).toBeLessThanOrEqual(4_000 * 4 * 32);
  });
});
