import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./fixtures.js";

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `fluvius` binary the way a user would (npm test builds first). */
export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
  const result = spawnSync(process.execPath, [path.join(repoRoot, "bin/run.js"), ...args], {
    cwd: options.cwd,
    env: env as NodeJS.ProcessEnv,
    encoding: "utf8",
    // Killed past it: status -1 (a hang fails the test instead of stalling the run).
    timeout: options.timeoutMs ?? 60_000,
    // Big outputs (thousands of diagnostics) must arrive whole: spawnSync's default is 1 MiB.
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
