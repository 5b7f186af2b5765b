/**
 * Section 3 of `npm run bench`: HTTP. PLACEHOLDER until the HTTP API (`fluvius serve`,
 * issue: HTTP layer) has landed and is declared stable for benchmarking.
 *
 * What it will measure (the table BENCHMARKS.md already shows): commands per second and
 * p50/p99 latency at 16 connections (autocannon, a dev dependency already installed), for
 * `POST {basePath}/banking:deposit/account/{id}` with a bearer token, against the same
 * commands through the runtime in-process at 16 clients (the baseline of the same run), on
 * PostgreSQL and on PGlite.
 *
 * Until then the section reports whether a build of the server is present and why it was
 * not measured, so the report says so instead of leaving a gap.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface HttpResult {
  readonly status: "skipped";
  readonly reason: string;
  /** What was found in dist/ (the build `npm run bench` makes first). */
  readonly detected: { readonly httpModule: boolean; readonly serveCommand: boolean };
}

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

export function benchHttp(): HttpResult {
  const detected = { httpModule: existsSync(dist("http/index.js")), serveCommand: existsSync(dist("commands/serve.js")) };
  const reason =
    detected.httpModule && detected.serveCommand
      ? "A build of the HTTP API (`fluvius serve`) is present, but it is still being built (issue: HTTP layer); this section is measured once it is declared ready."
      : "The HTTP API (`fluvius serve`) has not landed yet.";
  return { status: "skipped", reason, detected };
}
