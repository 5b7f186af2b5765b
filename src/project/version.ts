import { readFileSync } from "node:fs";

/** This package's version (src/ and dist/ both sit two folders below package.json). */
export const FLUVIUS_VERSION: string = (() => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "0.0.0";
})();
