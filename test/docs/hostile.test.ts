/**
 * Names and values that could break the page: quotes, pipes, brackets, markup and Markdown in
 * enum values, literals and descriptions; names that are Mermaid keywords; an aggregate whose
 * anchor would repeat a section's.
 */
import { JSDOM } from "jsdom";
import { beforeAll, expect, test } from "vitest";
import { renderDocs } from "../../src/docs/index.js";
import { projectDocsInput } from "../../src/docs/project.js";
import { memoryHost } from "../../src/host/memory-host.js";
import { mermaidBlocks } from "./docs-fixture.js";

const SPEC = `
domain: odd
description: 'Has <script>alert(1)</script> | pipes *and* _markdown_'
types:
  Label: { type: string, maxLength: 80 }
aggregates:
  end:
    description: An aggregate named like a Mermaid keyword
    state:
      label: Label?
      mode: { enum: [on, off, end], default: "off" }
    actions:
      start: { creates: true, emits: started }
      graph: { when: { label: ['say "hi"', "<b>"] }, emits: subgraph-end }
    events:
      started: { apply: { set: { label: 'x --> y "z" | \`w\` [a] {b} #quot;', mode: "end" } } }
      subgraph-end: { apply: { set: { label: "<br/>#35;", mode: "on" } } }
  types:
    state: { n: { type: integer, index: true } }
    actions:
      make: { creates: true, payload: { n: integer }, emits: made }
    events:
      made: { payload: { n: integer }, apply: { set: { n: $payload.n } } }
policies:
  roles: { r: {} }
  rules:
    - { role: r, allow: ["end:*", "types:*"] }
`;

type Mermaid = { parse(text: string): Promise<unknown> };
let mermaid: Mermaid;
beforeAll(async () => {
  const { window } = new JSDOM("<!doctype html><html><body></body></html>");
  Object.assign(globalThis, { window, document: window.document });
  mermaid = ((await import("mermaid")) as { default: Mermaid }).default;
});

async function render(format: "markdown" | "html"): Promise<string> {
  const project = await projectDocsInput(memoryHost({ "fluvius.yaml": "specs: [spec/*.yaml]\n", "spec/odd.yaml": SPEC }));
  if (!project.ok) throw new Error(project.diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return renderDocs(project.input, format);
}

test("hostile guards and literals keep every diagram valid Mermaid", async () => {
  const diagrams = mermaidBlocks(await render("markdown"));
  expect(diagrams.length).toBe(2);
  for (const diagram of diagrams) await expect(mermaid.parse(diagram), diagram).resolves.toBeDefined();
  expect(diagrams[0]).toContain('-->|"when label in [say #34;hi#34;, #60;b#62;]"|');
});

test("descriptions are text, never markup, in both formats; anchors stay unique", async () => {
  const html = await render("html");
  expect(html).not.toContain("<script>alert");
  expect(html).toContain("Has &lt;script&gt;alert(1)&lt;/script&gt; | pipes *and* _markdown_");
  const anchors = [...html.matchAll(/<h\d id="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(anchors).size).toBe(anchors.length);
  expect(anchors).toEqual(expect.arrayContaining(["odd-types", "odd-types-2"]));
  const markdown = await render("markdown");
  expect(markdown).toContain("| `n` | `integer` | required, indexed |");
  expect(markdown).toContain("Has \\<script\\>alert(1)\\</script\\> \\| pipes \\*and\\* \\_markdown\\_");
});
