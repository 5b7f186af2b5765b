import { renderDocs } from "../../src/docs/index.js";
import { projectDocsInput } from "../../src/docs/project.js";
import { fixtureProject } from "../helpers/generate.js";

/** The docs of a valid fixture in both formats, as `fluvius docs` renders them. */
export async function fixtureDocs(dir: string): Promise<Map<string, string>> {
  const project = await projectDocsInput(fixtureProject(dir));
  if (!project.ok) throw new Error(`the fixture ${dir} does not validate: ${project.diagnostics.map((d) => d.message).join("; ")}`);
  return new Map([
    ["domain.html", renderDocs(project.input, "html")],
    ["domain.md", renderDocs(project.input, "markdown")],
  ]);
}

/** The Mermaid source of every ```mermaid block of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1] ?? "");
}
