import { readFile } from "node:fs/promises";
import type { FastifyInstance } from "fastify";

/** Where the page's Mermaid bundle is served, when there is one. */
export const MERMAID_SCRIPT_PATH = "/docs/domain/mermaid.min.js";

export interface DomainDocsPage {
  /** The page's HTML (src/docs), asked for on the first request and then kept; `mermaidScript` is where the bundle is, if served. */
  readonly render: (mermaidScript: string | undefined) => Promise<string>;
  /** A file of Mermaid's browser bundle to serve beside the page, so its diagrams render; without it they show as source. */
  readonly mermaidBundle?: string;
}

/**
 * `GET /docs/domain`: the domain docs page, beside Swagger UI at /docs and outside the API's
 * route table (like /openapi.json: it documents the API, it is not an operation of it). Public
 * like them: it shows the model, which the OpenAPI document shows already.
 */
export function registerDomainDocs(app: FastifyInstance, page: DomainDocsPage): void {
  const bundle = page.mermaidBundle;
  let html: Promise<string> | undefined;
  app.get("/docs/domain", async (_request, reply) => {
    html ??= page.render(bundle === undefined ? undefined : MERMAID_SCRIPT_PATH);
    let text: string;
    try {
      text = await html;
    } catch (error) {
      // The specs did not render (edited into errors since the server started): try again next time.
      html = undefined;
      const errmesg = error instanceof Error ? error.message : String(error);
      return reply.status(503).send({ errcode: "docs-unavailable", errmesg, errdata: {} });
    }
    return reply.type("text/html; charset=utf-8").send(text);
  });
  if (bundle !== undefined) {
    let script: Promise<Buffer> | undefined;
    app.get(MERMAID_SCRIPT_PATH, async (_request, reply) => {
      script ??= readFile(bundle);
      return reply
        .type("text/javascript; charset=utf-8")
        .header("cache-control", "public, max-age=3600")
        .send(await script);
    });
  }
}
