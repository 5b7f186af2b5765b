import { buildDocs, type DocsInput } from "./build.js";
import { type HtmlOptions, renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";

export type DocsFormat = "markdown" | "html";
export const DOCS_FORMATS: readonly DocsFormat[] = ["markdown", "html"];

/** The docs stage: the lowered model in, the text of the page out. Pure. */
export function renderDocs(input: DocsInput, format: DocsFormat, html: HtmlOptions = {}): string {
  const doc = buildDocs(input);
  return format === "html" ? renderHtml(doc, html) : renderMarkdown(doc);
}

export type { DocsInput } from "./build.js";
