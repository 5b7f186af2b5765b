/**
 * The embedded database (a PGlite folder) has one owner at a time, across processes: the
 * runtime's `openStore` and the CLI take the same lock file, so neither lets a second writer
 * in. Real processes on both sides (npm test builds dist/ first).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { openStore } from "@fluvius/runtime";
import { EmbeddedDatabaseLockedError } from "@fluvius/runtime/internal/runtime/errors";
import { runCli } from "../helpers/cli.js";
import { repoRoot } from "../helpers/fixtures.js";
import { buildProject } from "../helpers/project.js";

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

/** Starts a child process and resolves once its output matches `ready`. */
function start(args: readonly string[], cwd: string, ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: "1" } });
  running.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
}

/** How the child ended: its exit code, or the signal that ended it. */
const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });

/** A script of the user's that opens the embedded default and keeps it until told to stop. */
const HOLDER_SCRIPT = `
import { openStore } from ${JSON.stringify(path.join(repoRoot, "packages/runtime/dist/runtime/index.js"))};
const store = await openStore({ ensureSchema: true });
console.log("ready " + process.pid);
process.stdin.once("data", async () => { await store.close(); process.exit(0); });
`;

describe("one process owns the embedded database", () => {
  test("openStore refuses a folder `fluvius serve` holds, naming the holder; the CLI refuses one a script's openStore holds", async () => {
    const project = buildProject("banking");
    const dataDir = path.join(project.dir, ".fluvius", "pgdata");
    const lockPath = `${dataDir}.lock`;

    // 1. fluvius serve holds it: the runtime's default openStore is refused, with who and where.
    const server = await start([path.join(repoRoot, "bin/run.js"), "serve", "--migrate", "--port", "0"], project.dir, /listening on/);
    const refused = await openStore({ projectDir: project.dir }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(EmbeddedDatabaseLockedError);
    const error = refused as EmbeddedDatabaseLockedError;
    expect(error.code).toBe("embedded-database-locked");
    expect(error.holder).toMatchObject({ pid: server.child.pid, command: "fluvius serve", hostname: hostname() });
    expect(error.lockPath).toBe(lockPath);
    expect(error.message).toContain(`pid ${server.child.pid}`);
    expect(error.message).toContain("`fluvius serve`");
    expect(error.message).toContain(`host ${hostname()}`);
    expect(error.message).toContain(lockPath);
    expect(error.details).toMatchObject({ path: dataDir, lockPath, holder: { pid: server.child.pid }, hint: expect.stringContaining("PostgreSQL") });
    server.child.kill("SIGTERM");
    // Its SIGTERM handler stops it cleanly (a death by the signal itself would be `signal: "SIGTERM"`).
    expect(await exited(server.child), server.output()).toEqual({ code: 0, signal: null });
    expect(existsSync(lockPath)).toBe(false);

    // 2. A script's openStore holds it: the CLI is refused and names the script's process.
    const script = await start(["--input-type=module", "-e", HOLDER_SCRIPT], project.dir, /ready \d+/);
    const pid = Number(/ready (\d+)/.exec(script.output())?.[1]);
    expect(existsSync(lockPath)).toBe(true);
    const migrate = runCli(["migrate", "up"], { cwd: project.dir });
    expect(migrate.status).toBe(1);
    const said = migrate.stdout + migrate.stderr;
    expect(said).toContain("error embedded-database-locked");
    expect(said).toContain(`pid ${pid}`);
    expect(said).toMatch(/`openStore \(node[^`]*\)`/);
    const serveRefused = runCli(["serve", "--port", "0"], { cwd: project.dir });
    expect(serveRefused.status).toBe(1);
    expect(serveRefused.stdout + serveRefused.stderr).toContain("embedded-database-locked");
    // And so is a second openStore, here.
    await expect(openStore({ projectDir: project.dir })).rejects.toMatchObject({ code: "embedded-database-locked", holder: { pid } });

    // Closing the store releases the lock: the CLI opens the folder again.
    script.child.stdin?.write("close\n");
    expect(await exited(script.child), script.output()).toEqual({ code: 0, signal: null });
    expect(existsSync(lockPath)).toBe(false);
    const status = runCli(["migrate", "status"], { cwd: project.dir });
    expect(status.status, status.stderr).toBe(0);
  }, 180_000);

  test("in one process: a second openStore of the same folder is refused until the first closes", async () => {
    const project = buildProject("banking");
    const first = await openStore({ projectDir: project.dir, ensureSchema: true, owner: "first opener" });
    await expect(openStore({ projectDir: project.dir })).rejects.toMatchObject({
      code: "embedded-database-locked",
      holder: { pid: process.pid, command: "first opener" },
    });
    await first.close();
    const second = await openStore({ url: path.join(project.dir, ".fluvius", "pgdata") });
    expect(second.backend).toBe("pglite");
    await second.close();
  }, 120_000);
});
