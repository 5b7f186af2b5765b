import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import type { Diagnostic } from "vscode-languageserver";
import { pathToUri } from "../../src/lsp/convert.js";
import { Workspace } from "../../src/lsp/workspace.js";
import { toPosix } from "../../src/host/paths.js";
import { repoRoot } from "../helpers/fixtures.js";

mkdirSync(path.join(repoRoot, "test/.tmp"), { recursive: true });
const root = toPosix(mkdtempSync(path.join(repoRoot, "test/.tmp", "lsp-ws-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("a burst of changes is checked once, with the last text", async () => {
  mkdirSync(path.join(root, "domains"));
  writeFileSync(path.join(root, "fluvius.yaml"), "specs: [domains/*.yaml]\n");
  const file = `${root}/domains/a.yaml`;
  writeFileSync(file, "domain: shop\n");
  const published: { uri: string; diagnostics: Diagnostic[] }[] = [];
  const workspace = new Workspace((uri, diagnostics) => published.push({ uri, diagnostics }), 100);
  for (const revision of ["domain: Shop\n", "domain: sh op\n", "domain: shop\nrevision: 0\n", "domain: shop\nrevison: 2\n"])
    await workspace.changed(file, revision);
  await workspace.projectFor(file);
  const forFile = published.filter((p) => p.uri === pathToUri(file));
  expect(forFile.map((p) => p.diagnostics.map((d) => [d.code, d.message]))).toEqual([[["unknown-key", expect.stringContaining("Did you mean 'revision'?")]]]);
});
