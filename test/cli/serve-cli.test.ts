import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { repoRoot } from "../helpers/fixtures.js";
import { createDatabase } from "../helpers/postgres.js";
import { buildProject } from "../helpers/project.js";

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

/** Starts `fluvius serve` on a free port and resolves with its base URL once it listens. */
function serve(cwd: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [path.join(repoRoot, "bin/run.js"), "serve", "--port", "0", ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env } });
  running.push(child);
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

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function session(url: string, cwd: string) {
  const token = runCli(["token", "--sub", "teller-1", "--tenant", "acme", "--role", "teller"], { cwd }).stdout.trim();
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const opened = await fetch(`${url}/api/banking:open-account/account/:new`, { method: "POST", headers, body: JSON.stringify({ customerId: randomUUID(), accountType: "checking" }) });
  expect(opened.status).toBe(200);
  const id = ((await opened.json()) as { data: { account: { _id: string } } }).data.account._id;
  const deposited = await fetch(`${url}/api/banking:deposit/account/${id}`, { method: "POST", headers, body: JSON.stringify({ amount: "12.50" }) });
  expect(await deposited.json()).toMatchObject({ status: "OK", data: { account: { _version: 2, balance: "12.50" } } });
  const list = await fetch(`${url}/api/banking.account/`, { headers });
  expect(((await list.json()) as { pagination: { total: number } }).pagination.total).toBeGreaterThan(0);
  const docs = await fetch(`${url}/openapi.json`);
  expect(((await docs.json()) as { openapi: string }).openapi).toBe("3.1.0");
  return id;
}

describe("fluvius serve", () => {
  test("on the embedded database: refuses without migrations, serves after --migrate, stops cleanly, and replay rebuilds", async () => {
    const project = buildProject("banking");
    const refused = runCli(["serve", "--port", "0"], { cwd: project.dir });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("fluvius serve --migrate");

    const server = await serve(project.dir, ["--migrate"]);
    expect(server.output()).toContain("applying 0001_init.sql");
    await session(server.url, project.dir);
    // While it runs, it owns the embedded database.
    const locked = runCli(["migrate", "up"], { cwd: project.dir });
    expect(locked.status).toBe(1);
    server.child.kill("SIGTERM");
    expect(await exited(server.child)).toBe(0);

    const replayed = runCli(["replay", "banking.account"], { cwd: project.dir });
    expect(replayed.stdout, replayed.stderr).toMatch(/banking\.account\s+1 streams, 2 events/);
    expect(replayed.status).toBe(0);
    const unknown = runCli(["replay", "banking.nothing"], { cwd: project.dir });
    expect(unknown.status).toBe(1);
  }, 180_000);

  test("on the PostgreSQL server", async () => {
    const project = buildProject("banking");
    const database = await createDatabase("fluvius_serve");
    const url = database.url;
    try {
      const server = await serve(project.dir, ["--migrate", "--database-url", url]);
      expect(server.output()).toContain("PostgreSQL");
      await session(server.url, project.dir);
      server.child.kill("SIGTERM");
      expect(await exited(server.child)).toBe(0);
      const status = runCli(["migrate", "status", "--database-url", url], { cwd: project.dir });
      expect(status.stdout).toContain("0001_init.sql");
    } finally {
      await database.drop();
    }
  }, 180_000);
});
