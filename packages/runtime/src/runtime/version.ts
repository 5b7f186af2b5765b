import { readFileSync } from "node:fs";

/** The version of fluvius's runtime, read from its package.json (src/ and dist/ both sit two folders below it). The CLI and the runtime are versioned together. */
export const FLUVIUS_VERSION: string = (() => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "0.0.0";
})();
