import { styleText } from "node:util";
import { type BabelCodeFrameOptions, codeFrameColumns } from "@babel/code-frame";
import type { SourceRange } from "../diagnostic.js";

/** How code-frame splits lines; the same here, so line numbers agree with it. */
const NEWLINE = /\r\n|[\n\r\u2028\u2029]/;
const LINES_ABOVE = 2;
const LINES_BELOW = 1;

/**
 * The code frame under each diagnostic. code-frame splits (and, in colour, highlights) all of
 * the text it is given, so handing it a whole file for every diagnostic made printing many
 * of them quadratic. Each file is split into lines once; code-frame gets only the lines the
 * frame shows, with `startLine` so it numbers them as in the file.
 *
 * code-frame highlights code as JavaScript (in a spec, `function:` or `true` would light up as
 * keywords), so the frame is made plain and, in colour, only its gutter and markers are painted.
 */
export function codeFrames(sources: ReadonlyMap<string, string>, options: { readonly color: boolean }): (range: SourceRange) => string | undefined {
  const linesByFile = new Map<string, readonly string[]>();
  const linesOf = (file: string, source: string) => {
    let lines = linesByFile.get(file);
    if (lines === undefined) {
      lines = source.split(NEWLINE);
      linesByFile.set(file, lines);
    }
    return lines;
  };
  return (range) => {
    const source = sources.get(range.file);
    if (source === undefined || source.length === 0) return undefined;
    const lines = linesOf(range.file, source);
    const { start, end } = range;
    // The frame's lines, as code-frame would pick them from the whole file.
    const first = Math.max(start.line - LINES_ABOVE, 1);
    const last = Math.min(lines.length, start.line + LINES_BELOW);
    if (first > last) return undefined;
    const sameLine = end.line === start.line && end.column > start.column;
    // `startLine` is code-frame's own option; its type declarations lack it.
    const frameOptions: BabelCodeFrameOptions & { startLine: number } = {
      highlightCode: false,
      linesAbove: LINES_ABOVE,
      linesBelow: LINES_BELOW,
      startLine: first,
    };
    const frame = codeFrameColumns(lines.slice(first - 1, last).join("\n"), { start, ...(sameLine ? { end } : {}) }, frameOptions);
    if (frame === "") return undefined;
    return options.color ? paintFrame(frame) : frame;
  };
}

/** The pointer lines (`>` and the `^` under the range) in red, the line numbers dim; the spec's text as it is. */
function paintFrame(frame: string): string {
  return frame
    .split("\n")
    .map((line) => {
      const match = /^([> ]) *(\d*) \|(.*)$/.exec(line);
      if (match === null) return line;
      const [, pointer = " ", number = "", rest = ""] = match;
      const gutter = styleText("gray", `${line.slice(1, line.indexOf("|") + 1)}`);
      const head = pointer === ">" ? styleText(["red", "bold"], ">") : " ";
      // A line of markers only: carets (and spaces) under the range.
      const body = number === "" ? rest.replace(/\^+/, (carets) => styleText(["red", "bold"], carets)) : rest;
      return `${head}${gutter}${body}`;
    })
    .join("\n");
}
