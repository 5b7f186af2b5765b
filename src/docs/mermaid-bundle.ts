import { createRequire } from "node:module";
import path from "node:path";

/**
 * Mermaid's browser bundle, if the project has the `mermaid` package installed. fluvius does not
 * depend on it (it is large, and the Markdown output needs it nowhere): a project that wants the
 * diagrams of `/docs/domain` drawn rather than shown as source installs it.
 */
export function findMermaidBundle(projectRoot: string): string | undefined {
  try {
    return createRequire(path.join(projectRoot, "package.json")).resolve("mermaid/dist/mermaid.min.js");
  } catch {
    return undefined;
  }
}
