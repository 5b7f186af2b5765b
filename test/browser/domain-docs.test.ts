/**
 * The domain docs page at /docs/domain in a real headless Chromium (Debian's package, driven by
 * playwright-core), served by `fluvius serve` for the shop fixture (reactions, timers, two
 * domains): with the `mermaid` package at hand (this repository's dev dependency), every
 * diagram is drawn as an SVG, none is a syntax error, and nothing is fetched from elsewhere.
 */
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { chromiumAvailable, launchChromium } from "../helpers/browser.js";
import { pathToFileURL } from "node:url";
import { runCli } from "../helpers/cli.js";
import { fixturesRoot } from "../helpers/fixtures.js";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { startServe } from "../helpers/serve.js";

const available = chromiumAvailable();

const running: ChildProcess[] = [];
let browser: Browser;
let base: string;
let projectDir: string;

beforeAll(async () => {
  if (!available) return;
  const shop = path.join(fixturesRoot, "valid", "shop");
  const specs = Object.fromEntries(readdirSync(path.join(shop, "spec")).map((name) => [name, readFileSync(path.join(shop, "spec", name), "utf8")]));
  const config = readFileSync(path.join(shop, "fluvius.yaml"), "utf8").replace("spec/**", "domains/**");
  const project = buildProjectFromSpecs("shop-docs", specs, undefined, { "fluvius.yaml": config });
  projectDir = project.dir;
  base = (await startServe(project.dir, ["--migrate", "--no-workers"], { SHIP_HOOK_URL: "http://127.0.0.1:9/hook", SHIP_HOOK_SECRET: "s" }, running)).url;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

test.skipIf(!available)(
  "every diagram of /docs/domain is drawn by Mermaid, from the server itself",
  async () => {
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(base)) elsewhere.push(request.url());
    });
    await page.goto(`${base}/docs/domain`);
    const diagrams = await page.locator("pre.mermaid").count();
    expect(diagrams).toBeGreaterThan(4);
    await page.waitForFunction((n) => document.querySelectorAll("pre.mermaid svg").length === n, diagrams, { timeout: 60_000 });
    const text = await page.locator("main").innerText();
    expect(text).not.toContain("Syntax error");
    expect(text).toContain("expire-unconfirmed (after 30m)");
    expect(elsewhere).toEqual([]);
    if (process.env["DOCS_SCREENSHOT"]) await page.screenshot({ path: process.env["DOCS_SCREENSHOT"], fullPage: false });
  },
  120_000,
);

test.skipIf(!available)(
  "`fluvius docs --embed-mermaid` writes one HTML file that draws its diagrams offline",
  async () => {
    const written = runCli(["docs", "--out", "page.html", "--embed-mermaid"], { cwd: projectDir });
    expect(written.status, written.stderr).toBe(0);
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    const file = pathToFileURL(path.join(projectDir, "page.html")).href;
    await page.goto(file);
    const diagrams = await page.locator("pre.mermaid").count();
    await page.waitForFunction((n) => document.querySelectorAll("pre.mermaid svg").length === n, diagrams, { timeout: 60_000 });
    expect(await page.locator("main").innerText()).not.toContain("Syntax error");
    expect(requested).toEqual([file]);
  },
  120_000,
);
