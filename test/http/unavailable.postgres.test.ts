/**
 * While PostgreSQL cannot be reached, the API answers 503 `database-unavailable` with
 * Retry-After (not 500), and it serves again by itself once the database is back. The
 * server reaches PostgreSQL through a TCP proxy that the test cuts and restores.
 */
import { randomUUID } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BankingApp, startBankingApp } from "./banking-app.js";

/** A TCP proxy to 127.0.0.1:5432 that can be cut (connections destroyed, port closed) and restored on the same port. */
class Proxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  async start(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => {
      const upstream = net.connect(5432, "127.0.0.1");
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", resolve);
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

type Json = Record<string, unknown>;

describe("the API while PostgreSQL is unreachable", () => {
  const proxy = new Proxy();
  let api: BankingApp;
  let teller: string;

  beforeAll(async () => {
    await proxy.start();
    api = await startBankingApp("postgres", {
      connectVia: (url) => {
        const u = new URL(url);
        u.hostname = "127.0.0.1";
        u.port = String(proxy.port);
        return u.toString();
      },
    });
    teller = await api.token("teller-1", `bank-${randomUUID().slice(0, 8)}`, ["teller"]);
  }, 120_000);
  afterAll(async () => {
    // Closing the pool needs the database reachable again if a test left it cut.
    await proxy.start();
    await api?.close();
    await proxy.cut();
  });

  async function call(method: "GET" | "POST", url: string, body?: unknown) {
    const response = await api.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${teller}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, headers: response.headers, body: response.json() as Json };
  }
  const open = () => call("POST", "/api/banking:open-account/account/:new", { customerId: randomUUID(), accountType: "checking" });

  test("commands, lists and items answer 503 with Retry-After while it is cut, and succeed again once it is back", async () => {
    const opened = await open();
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const id = ((opened.body.data as Json).account as Json)._id as string;

    await proxy.cut();
    const requests = [
      () => call("POST", `/api/banking:deposit/account/${id}`, { amount: "1.00" }),
      () => open(),
      () => call("GET", "/api/banking.account/"),
      () => call("GET", `/api/banking.account/${id}`),
      () => call("GET", `/api/banking.account/${id}/_events`),
    ];
    for (const request of requests) {
      const answer = await request();
      expect(answer.status, JSON.stringify(answer.body)).toBe(503);
      expect(Number(answer.headers["retry-after"])).toBeGreaterThan(0);
      expect(answer.body).toMatchObject({ errcode: "database-unavailable", errmesg: expect.any(String), errdata: { errorId: expect.any(String) } });
      // Where the database lives is the operator's business, not the caller's.
      expect(answer.body.errmesg).not.toContain(String(proxy.port));
    }

    await proxy.start();
    const deposited = await call("POST", `/api/banking:deposit/account/${id}`, { amount: "1.00" });
    expect(deposited.status, JSON.stringify(deposited.body)).toBe(200);
    expect((await call("GET", `/api/banking.account/${id}`)).body).toMatchObject({ _version: 2, balance: "1.00" });
    expect((await call("GET", "/api/banking.account/")).status).toBe(200);
  }, 60_000);
});
