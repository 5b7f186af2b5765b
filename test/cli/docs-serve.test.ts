/** `fluvius serve` serves the domain docs page at /docs/domain, public like /docs and /openapi.json. */
import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { buildProject } from "../helpers/project.js";
import { startServe } from "../helpers/serve.js";

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

test("GET /docs/domain is the HTML page of `fluvius docs`, without a token; Mermaid's bundle is served beside it when installed", async () => {
  const project = buildProject("banking");
  const server = await startServe(project.dir, ["--migrate"], {}, running);
  const spec = path.join(project.dir, "domains/banking.yaml");
  const good = readFileSync(spec, "utf8");

  // The specs broken while it runs: the page says so (and the API goes on serving).
  writeFileSync(spec, good.replace("emits: deposit-made", "emits: deposit-mad"));
  const broken = await fetch(`${server.url}/docs/domain`);
  expect(broken.status, `${await broken.clone().text()}\n${server.output()}`).toBe(503);
  expect(await broken.json()).toMatchObject({ errcode: "docs-unavailable" });
  writeFileSync(spec, good);

  const page = await fetch(`${server.url}/docs/domain`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  const html = await page.text();
  expect(html).toContain('<h3 id="banking-account">Aggregate <code>account</code></h3>');
  expect(html).toContain('<pre class="mermaid">');
  // This repository has `mermaid` (a dev dependency) where the project resolves packages: the page loads it from the server, never from elsewhere.
  expect(html).toContain('<script src="/docs/domain/mermaid.min.js"></script>');
  expect(html).not.toMatch(/<script src="https?:/);
  const bundle = await fetch(`${server.url}/docs/domain/mermaid.min.js`);
  expect(bundle.status).toBe(200);
  expect(bundle.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect((await bundle.text()).length).toBeGreaterThan(100_000);

  // The same page as the command writes, but for the script that draws the diagrams.
  const written = runCli(["docs", "--format", "html"], { cwd: project.dir });
  expect(written.status).toBe(0);
  const withoutScript = html.replace(/<script[\s\S]*?<\/script>\n/g, "");
  expect(withoutScript).toBe(written.stdout.replace(/<p class="note">.*<\/p>\n/, ""));
}, 180_000);
