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
  return runNodeMeasured(wrapper, args, cwd, `fluvius ${args.join(" ")}`, expectStatus);
}

/**
 * One run of `node <script> <args>` in a fresh process, from spawn to exit: wall time, and the
 * peak resident set size the script reports at exit to the file named by FLUVIUS_BENCH_RSS_FILE.
 */
export function runNodeMeasured(script: string, args: readonly string[], cwd: string, label: string, expectStatus = 0): Sample {
  const scratch = mkdtempSync(path.join(tmpdir(), "fluvius-rss-"));
  const rssFile = path.join(scratch, "rss");
  try {
    const started = performance.now();
    const result = spawnSync(process.execPath, [script, ...args], {
      cwd,
      env: { ...process.env, FLUVIUS_BENCH_RSS_FILE: rssFile, NO_COLOR: "1" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - started;
    if (result.error) throw result.error;
    if (result.status !== expectStatus) {
      throw new Error(`${label} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
    }
    const peakBytes = Number(readFileSync(rssFile, "utf8"));
    return { ms, peakBytes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Median, minimum and maximum of a set of runs, and how many runs there were. */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function stats(values: readonly number[]): Stats {
  if (values.length === 0) throw new RangeError("stats of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

/** Ratios of paired runs (`a[i] / b[i]`, both measured in the same round), summarised. */
export function pairedRatio(a: readonly number[], b: readonly number[]): Stats {
  if (a.length !== b.length) throw new RangeError(`paired ratio of ${a.length} and ${b.length} values`);
  return stats(a.map((x, i) => x / b[i]!));
}

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
}

/** Time of an async function in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}
