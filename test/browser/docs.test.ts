/**
 * Swagger UI at /docs, in a real headless Chromium (Debian's `chromium` package, driven by
 * playwright-core): the page loads the generated OpenAPI document and lists the example
 * domain's operations.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { chromiumAvailable, launchChromium } from "../helpers/browser.js";
import { type BankingApp, startBankingApp } from "../http/banking-app.js";

const available = chromiumAvailable();

let api: BankingApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!available) return;
  api = await startBankingApp("pglite");
  base = await api.app.listen({ port: 0, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

test.skipIf(!available)(
  "the /docs page shows the operations of the banking domain",
  async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/docs`);
    await page.waitForSelector(".opblock-summary-path", { timeout: 30_000 });
    const paths = await page.$$eval(".opblock-summary-path", (nodes) => nodes.map((n) => n.getAttribute("data-path") ?? n.textContent ?? ""));
    expect(paths).toEqual(
      expect.arrayContaining([
        "/api/banking:open-account/account/:new",
        "/api/banking:deposit/account/{id}",
        "/api/banking.account/",
        "/api/banking.account/{id}/_events",
      ]),
    );
    const title = await page.textContent(".title");
    expect(title).toContain("banking");
  },
  60_000,
);
