/**
 * The README's "A project in one minute", run as written from this checkout: `npx fluvius
 * init` makes a project that depends on this copy (the runtime and the CLI), its `npm install`
 * works (no release on the registry needed), and every command of the block succeeds, `serve
 * --migrate` included. The commands are read from README.md, so the test follows the README.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { repoRoot } from "../helpers/fixtures.js";
import { exited } from "../helpers/serve.js";

const work = mkdtempSync(path.join(os.tmpdir(), "fluvius-one-minute-"));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

/** The commands of the README's first sh block after "## A project in one minute", without comments. */
function readmeCommands(): string[] {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## A project in one minute"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "");
}

function run(command: string, args: readonly string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 300_000, env: { ...process.env, NO_COLOR: "1" } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the README's project in one minute", () => {
  test("runs as written from a checkout", { timeout: 600_000 }, async () => {
    const commands = readmeCommands();
    expect(commands[0]).toBe("npx fluvius init my-bank");
    expect(commands[1]).toBe("cd my-bank && npm install");
    const project = path.join(work, "my-bank");

    // From the clone, as the README says (`npx fluvius init ../my-bank` there): here into a temporary folder.
    const init = run("npx", ["--prefer-offline", "fluvius", "init", project], repoRoot);
    expect(init.status, init.output).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(manifest.dependencies["@fluvius/runtime"]).toBe(`file:${repoRoot}/packages/runtime`);
    expect(manifest.devDependencies.fluvius).toBe(`file:${repoRoot}`);
    const install = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], project);
    expect(install.status, install.output).toBe(0);

    for (const command of commands.slice(2)) {
      const [npx, fluvius, ...args] = command.split(/\s+/);
      expect([npx, fluvius], command).toEqual(["npx", "fluvius"]);
      if (args[0] === "dev") continue; // a watcher that runs until stopped: test/cli/dev-cli.test.ts drives it
      if (args[0] === "serve") {
        await serveOnce(project, args);
        continue;
      }
      const result = run("npx", ["--prefer-offline", "fluvius", ...args], project);
      expect(result.status, `${command}\n${result.output}`).toBe(0);
    }
    // The scaffold type-checks with what generate wrote, its production entry included.
    const typecheck = run("npm", ["run", "typecheck"], project);
    expect(typecheck.status, typecheck.output).toBe(0);
  });
});

/**
 * `npx fluvius serve --migrate` until it listens and answers /_meta; then Ctrl-C, and a clean
 * stop. Started as the bin npx runs (node_modules/.bin/fluvius): npx would not pass the signal on.
 */
async function serveOnce(project: string, args: readonly string[]): Promise<void> {
  const child = spawn(path.join(project, "node_modules/.bin/fluvius"), [...args, "--port", "0"], { cwd: project, env: { ...process.env, NO_COLOR: "1" } });
  running.push(child);
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+?\/api)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  expect(output).toContain("applying 0001_init.sql");
  const meta = await fetch(`${url}/_meta`);
  expect(meta.status).toBe(200);
  child.kill("SIGINT");
  expect(await exited(child)).toBe(0);
  expect(output).toContain("stopping…");
}
