import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (playwright-core downloads no browser); .ci/run installs it. */
export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/** Whether the browser tests can run here; on CI a missing Chromium fails the file instead of skipping it. */
export function chromiumAvailable(): boolean {
  const available = existsSync(CHROMIUM);
  if (!available && process.env["CI"]) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}; install Debian's chromium package (apt-get install chromium). CI must run the browser test.`);
  }
  return available;
}

/** A headless Chromium that does not try to reach the network at start-up (closed here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
