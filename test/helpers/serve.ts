import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./fixtures.js";

export interface RunningServe {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
}

/**
 * Starts `fluvius serve` (or another command that listens, with `--port 0`) in `cwd` and
 * resolves with its base URL once it listens. Register the child for cleanup with `running`.
 */
export function startServe(
  cwd: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
  running?: ChildProcess[],
): Promise<RunningServe> {
  // A test that must know the port before (to register a redirect URI) passes its own --port.
  const port = args.includes("--port") ? [] : ["--port", "0"];
  const child = spawn(process.execPath, [path.join(repoRoot, "bin/run.js"), "serve", ...port, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  running?.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+?)\/api/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], child, output: () => output });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}
