import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { createDatabase } from "../helpers/postgres.js";
import { buildProject, editHandler } from "../helpers/project.js";
import { exited, startServe } from "../helpers/serve.js";

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

const serve = (cwd: string, args: string[] = [], env: Record<string, string> = {}) => startServe(cwd, args, env, running);

async function session(url: string, cwd: string) {
  const token = runCli(["token", "--sub", "teller-1", "--tenant", "acme", "--role", "teller"], { cwd }).stdout.trim();
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const opened = await fetch(`${url}/api/banking:open-account/account/:new`, {
    method: "POST",
    headers,
    body: JSON.stringify({ customerId: randomUUID(), accountType: "checking" }),
  });
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
      const server = await serve(project.dir, ["--migrate", "--database-url", url], { FLUVIUS_BUILD_NO: "4711", FLUVIUS_BUILD_TIME: "2024-05-01T12:00:00Z" });
      expect(server.output()).toContain("PostgreSQL");
      await session(server.url, project.dir);
      // A deployment's build number and time, from the environment, with the project's name and version.
      const meta = await fetch(`${server.url}/api/_meta`);
      expect(await meta.json()).toMatchObject({ name: "banking-app", version: "1.2.3", build_no: "4711", build_time: "2024-05-01T12:00:00Z" });
      server.child.kill("SIGTERM");
      expect(await exited(server.child)).toBe(0);
      const status = runCli(["migrate", "status", "--database-url", url], { cwd: project.dir });
      expect(status.stdout).toContain("0001_init.sql");
    } finally {
      await database.drop();
    }
  }, 180_000);

  test("an internal error is logged on stderr with the id its 500 carries; an unwritten handler is a 501 naming it", async () => {
    // Without --log: the reply says "it has been logged", and it is.
    const project = buildProject("ecommerce", (dir) =>
      editHandler(
        dir,
        "src/domain/ecommerce/order.ts",
        'return { type: "coupon-removed", version: 1, data: {} };',
        'throw new Error("the coupon table is gone");',
      ),
    );
    const server = await serve(project.dir, ["--migrate"]);
    // The order records its creator's id as its customerId, a uuid.
    const token = runCli(["token", "--sub", randomUUID(), "--tenant", "shop", "--role", "admin"], { cwd: project.dir }).stdout.trim();
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const created = await fetch(`${server.url}/api/ecommerce:create-order/order/:new`, { method: "POST", headers, body: "{}" });
    expect(created.status, server.output()).toBe(200);
    const id = ((await created.json()) as { data: { order: { _id: string } } }).data.order._id;

    const failed = await fetch(`${server.url}/api/ecommerce:remove-coupon/order/${id}`, { method: "POST", headers, body: "{}" });
    expect(failed.status).toBe(500);
    const failure = (await failed.json()) as { errcode: string; errmesg: string; errdata: { errorId: string } };
    expect(failure).toMatchObject({ errcode: "internal-error", errmesg: expect.stringContaining("logged") });
    expect(failure.errdata.errorId).toMatch(/^[0-9a-f-]{36}$/);
    // The user sees no detail of the bug; the log has it, under the same id.
    expect(failure.errmesg).not.toContain("coupon table");
    await expect
      .poll(() => server.output(), { timeout: 5000 })
      .toContain(`fluvius: internal error ${failure.errdata.errorId} on POST /api/ecommerce:remove-coupon/order/${id}: the coupon table is gone`);

    const unwritten = await fetch(`${server.url}/api/ecommerce:add-line/order/${id}`, {
      method: "POST",
      headers,
      body: JSON.stringify({ sku: "AB12", quantity: 1 }),
    });
    expect(unwritten.status).toBe(501);
    const stub = (await unwritten.json()) as { errcode: string; errmesg: string; errdata: { handler: string; file: string; errorId: string } };
    expect(stub).toMatchObject({ errcode: "handler-not-implemented", errdata: { handler: "handleAddLine", file: "src/domain/ecommerce/order.ts" } });
    expect(stub.errmesg).toContain("handleAddLine");
    expect(stub.errmesg).toContain("src/domain/ecommerce/order.ts");
    await expect
      .poll(() => server.output(), { timeout: 5000 })
      .toContain(`fluvius: handler not implemented ${stub.errdata.errorId} on POST /api/ecommerce:add-line/order/${id}`);
    // No stack without DEBUG=fluvius or --log.
    expect(server.output()).not.toMatch(/\n\s+at /);
    server.child.kill("SIGTERM");
    expect(await exited(server.child)).toBe(0);
  }, 180_000);
});
