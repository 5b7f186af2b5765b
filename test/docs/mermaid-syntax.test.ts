/**
 * Every diagram `fluvius docs` writes is parsed by Mermaid itself (the `mermaid` package, the
 * renderer GitHub and the HTML page use), so a label that breaks the syntax fails here rather
 * than as a blank picture in someone's README. Mermaid's parser needs a DOM (for DOMPurify),
 * which jsdom provides; no browser, no rendering (layout needs real text measurement).
 */
import { JSDOM } from "jsdom";
import { beforeAll, describe, expect, test } from "vitest";
import { escapeLabel, Flowchart } from "../../src/docs/mermaid.js";
import { fixtureCases } from "../helpers/fixtures.js";
import { fixtureDocs, mermaidBlocks } from "./docs-fixture.js";

type Mermaid = { parse(text: string): Promise<unknown> };
let mermaid: Mermaid;

beforeAll(async () => {
  const { window } = new JSDOM("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, { window, document: window.document });
  mermaid = ((await import("mermaid")) as { default: Mermaid }).default;
});

async function parseError(text: string): Promise<string | undefined> {
  try {
    await mermaid.parse(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe("Mermaid parses every diagram of the fixtures' docs", () => {
  test.each(fixtureCases("valid"))("$name", async ({ dir }) => {
    const markdown = (await fixtureDocs(dir)).get("domain.md") ?? "";
    const diagrams = mermaidBlocks(markdown);
    expect(diagrams.length).toBeGreaterThan(0);
    for (const diagram of diagrams) expect(await parseError(diagram), diagram).toBeUndefined();
  });
});

test("labels with quotes, pipes, brackets, markup and Mermaid keywords stay labels", async () => {
  const chart = new Flowchart();
  const hostile = [
    'say "hi"',
    "a | b",
    "x --> y",
    "<b>bold</b> & co",
    "#quot; and #35;",
    "`md`",
    "end",
    "[open, frozen]",
    "$payload.amount",
    "{{curly}}",
    "(round)",
  ];
  const ids = hostile.map((label, i) => chart.node(i % 2 === 0 ? "command" : "event", label, label));
  for (let i = 1; i < ids.length; i++) chart.edge(ids[i - 1] ?? "", ids[i] ?? "", hostile[i]);
  const text = chart.toString();
  expect(await parseError(text), text).toBeUndefined();
  // An unclosed label really is fatal: the test would notice a regression of the escaping.
  expect(await parseError('flowchart LR\n  a["x" --> b')).toBeDefined();
  expect(escapeLabel('a "b" | c')).toBe("a #34;b#34; #124; c");
});
