import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const wrapper = fileURLToPath(new URL("./cli-with-rss.mjs", import.meta.url));

export interface Sample {
  readonly ms: number;
  readonly peakBytes: number;
}

/** One run of `fluvius <args>` in a fresh process: wall time and peak resident memory. */
export function runCliMeasured(args: readonly string[], cwd: string, expectStatus = 0): Sample {
  const scratch = mkdtempSync(path.join(tmpdir(), "fluvius-rss-"));
  const rssFile = path.join(scratch, "rss");
  const started = performance.now();
  const result = spawnSync(process.execPath, [wrapper, ...args], {
    cwd,
    env: { ...process.env, FLUVIUS_BENCH_RSS_FILE: rssFile, NO_COLOR: "1" },
    encoding: "utf8",
  });
  const ms = performance.now() - started;
  if (result.status !== expectStatus) {
    throw new Error(`fluvius ${args.join(" ")} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  const peakBytes = Number(readFileSync(rssFile, "utf8"));
  rmSync(scratch, { recursive: true, force: true });
  return { ms, peakBytes };
}

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
}
