/**
 * Live updates (docs/http.md, "Live updates") with real clients on PGlite and PostgreSQL: an
 * EventSource and WebSockets follow the banking accounts while several clients send commands
 * at once. Every change arrives once, in order per item, as the item's GET shows it; another
 * tenant's accounts and accounts the policy hides never arrive; a client that reconnects with
 * its last position misses nothing; mistakes are 4xx envelopes or error messages.
 */
import type { AddressInfo } from "node:net";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { buildProject } from "../helpers/project.js";
import { type BankingApp, startApp, startBankingApp } from "./banking-app.js";

type Json = Record<string, unknown>;
interface Change {
  readonly channel: string;
  readonly message: { type: string; resource: string; id: string; version: number; position: string; data: Json };
}

const C1 = "7d0c1e52-6f3b-4a7e-9f51-1c2b3d4e5f60";
const C2 = "0b8e3c1a-2d4f-4e6a-8b9c-0d1e2f3a4b5c";
const DEPOSITS = 5;

/** Waits until `ok()` holds, polling; fails with `what` after `ms`. */
async function until(ok: () => boolean, what: () => string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`Timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A WebSocket client that keeps every message. */
class LiveSocket {
  readonly messages: Json[] = [];
  readonly socket: WebSocket;
  closed: { code: number; reason: string } | undefined;
  constructor(url: string, token: string) {
    this.socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    this.socket.on("message", (data) => this.messages.push(JSON.parse(data.toString()) as Json));
    this.socket.on("close", (code, reason) => (this.closed = { code, reason: reason.toString() }));
    this.socket.on("error", () => undefined);
  }
  changes(): Change[] {
    return this.messages.filter((m) => "message" in m) as unknown as Change[];
  }
  of(type: string): Json[] {
    return this.messages.filter((m) => m.type === type);
  }
  async ready(): Promise<void> {
    await until(
      () => this.of("ready").length > 0,
      () => `ready on ${JSON.stringify(this.messages)}`,
    );
  }
  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }
  close(): void {
    this.socket.close();
  }
}

/** An EventSource client (the `eventsource` package: the browser's API, with a header). */
class LiveEvents {
  readonly changes: (Change & { id: string })[] = [];
  readonly closedWith: Json[] = [];
  readonly source: EventSource;
  private isReady = false;
  constructor(url: string, token: string) {
    this.source = new EventSource(url, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${token}` } }),
    });
    this.source.onmessage = (event) => this.changes.push({ ...(JSON.parse(event.data as string) as Change), id: event.lastEventId });
    this.source.addEventListener("ready", () => (this.isReady = true));
    this.source.addEventListener("live-closed", (event) => this.closedWith.push(JSON.parse(event.data as string) as Json));
  }
  async ready(): Promise<void> {
    await until(
      () => this.isReady,
      () => "the SSE stream's ready event",
    );
  }
  close(): void {
    this.source.close();
  }
}

/** Each item's versions in the order they arrived. */
function versionsById(changes: readonly Change[]): Map<string, number[]> {
  const byId = new Map<string, number[]>();
  for (const { message } of changes) byId.set(message.id, [...(byId.get(message.id) ?? []), message.version]);
  return byId;
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe.each(["pglite", "postgres"] as const)("live updates on %s", (backend) => {
  let api: BankingApp;
  let base: string;
  let tokens: { teller: string; tellerGlobex: string; c1: string; c2: string; nobody: string };

  beforeAll(async () => {
    api = await startBankingApp(backend);
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    base = `127.0.0.1:${(api.app.server.address() as AddressInfo).port}/api`;
    tokens = {
      teller: await api.token("teller-1", "acme", ["teller"]),
      tellerGlobex: await api.token("teller-2", "globex", ["teller"]),
      c1: await api.token(C1, "acme", ["customer"]),
      c2: await api.token(C2, "acme", ["customer"]),
      nobody: await api.token("guest", "acme", []),
    };
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  async function post(path: string, token: string, body: unknown): Promise<Json> {
    const response = await fetch(`http://${base}/${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Json;
    expect(response.status, JSON.stringify(json)).toBe(200);
    return json;
  }
  const open = async (token: string, owner: string) =>
    (((await post("banking:open-account/account/:new", token, { customerId: owner, accountType: "checking" })).data as Json).account as Json)._id as string;
  const deposit = (id: string, token: string) => post(`banking:deposit/account/${id}`, token, { amount: "1.00" });

  /** Opens accounts and deposits into all of them at once, from several clients; returns the ids by owner. */
  async function traffic(): Promise<{ acme: Record<string, string[]>; globex: string[] }> {
    const [c1Accounts, c2Accounts, globex] = await Promise.all([
      Promise.all([open(tokens.teller, C1), open(tokens.teller, C1)]),
      Promise.all([open(tokens.teller, C2), open(tokens.teller, C2)]),
      Promise.all([open(tokens.tellerGlobex, C1)]),
    ]);
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < DEPOSITS; i++) {
      for (const id of c1Accounts) jobs.push(deposit(id, i % 2 === 0 ? tokens.teller : tokens.c1));
      for (const id of c2Accounts) jobs.push(deposit(id, i % 2 === 0 ? tokens.teller : tokens.c2));
      for (const id of globex) jobs.push(deposit(id, tokens.tellerGlobex));
    }
    await Promise.all(jobs);
    return { acme: { [C1]: c1Accounts, [C2]: c2Accounts }, globex };
  }

  test("every change arrives once, in order per item, only to whom its GET would answer", async () => {
    const teller = new LiveEvents(`http://${base}/_live/sse?channels=banking.account`, tokens.teller);
    const c1 = new LiveSocket(`ws://${base}/_live/ws`, tokens.c1);
    const globex = new LiveSocket(`ws://${base}/_live/ws?channels=banking.account`, tokens.tellerGlobex);
    try {
      await teller.ready();
      await c1.ready();
      c1.send({ type: "subscribe", channel: "banking.account" });
      await until(
        () => c1.of("subscribed").length > 0,
        () => "subscribed",
      );
      await globex.ready();

      const ids = await traffic();
      const acme = [...(ids.acme[C1] ?? []), ...(ids.acme[C2] ?? [])];
      const everyVersion = upTo(DEPOSITS + 1);
      await until(
        () => teller.changes.length >= acme.length * everyVersion.length,
        () => `${teller.changes.length} changes for the teller`,
      );
      await until(
        () => c1.changes().length >= 2 * everyVersion.length,
        () => `${c1.changes().length} changes for customer 1`,
      );
      await until(
        () => globex.changes().length >= everyVersion.length,
        () => `${globex.changes().length} changes for globex`,
      );
      // Late extras would show up here.
      await new Promise((resolve) => setTimeout(resolve, 300));

      const tellerVersions = versionsById(teller.changes);
      expect([...tellerVersions.keys()].sort()).toEqual([...acme].sort());
      for (const id of acme) expect(tellerVersions.get(id), `the teller's changes of ${id}`).toEqual(everyVersion);
      expect(teller.changes.length).toBe(acme.length * everyVersion.length);

      const c1Versions = versionsById(c1.changes());
      expect([...c1Versions.keys()].sort(), "customer 1 sees only its own accounts").toEqual([...(ids.acme[C1] ?? [])].sort());
      for (const id of ids.acme[C1] ?? []) expect(c1Versions.get(id)).toEqual(everyVersion);

      expect([...versionsById(globex.changes()).keys()], "another tenant's teller sees only its own tenant").toEqual(ids.globex);

      // Each message is the item as GET shows it at that version, with its position as the SSE id.
      for (const change of teller.changes) {
        expect(change.channel).toBe("banking.account");
        expect(change.message.type).toBe("changed");
        expect(change.message.data._version).toBe(change.message.version);
        expect(change.message.data.balance).toBe(`${change.message.version - 1}.00`);
        expect(change.id).toBe(change.message.position);
      }
      const last = teller.changes.find((c) => c.message.version === DEPOSITS + 1);
      const get = await api.app.inject({
        method: "GET",
        url: `/api/banking.account/${last?.message.id}`,
        headers: { authorization: `Bearer ${tokens.teller}` },
      });
      expect(last?.message.data).toEqual(get.json());
    } finally {
      teller.close();
      c1.close();
      globex.close();
    }
  }, 60_000);

  test("an item channel hears only that item; unsubscribe stops it", async () => {
    const [mine, other] = await Promise.all([open(tokens.teller, C1), open(tokens.teller, C1)]);
    const client = new LiveSocket(`ws://${base}/_live/ws?channels=banking.account/${mine}`, tokens.teller);
    try {
      await client.ready();
      await deposit(mine, tokens.teller);
      await deposit(other, tokens.teller);
      await until(
        () => client.changes().some((c) => c.message.version === 2),
        () => "the item's change",
      );
      client.send({ type: "unsubscribe", channel: `banking.account/${mine}` });
      await until(
        () => client.of("unsubscribed").length > 0,
        () => "unsubscribed",
      );
      await deposit(mine, tokens.teller);
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Version 1 too when the feed read the opening after the client joined.
      const heard = client.changes().map((c) => [c.channel, c.message.id, c.message.version]);
      expect(heard.filter((h) => h[2] !== 1)).toEqual([[`banking.account/${mine}`, mine, 2]]);
      expect(heard.every((h) => h[1] === mine)).toBe(true);
    } finally {
      client.close();
    }
  }, 30_000);

  test("a client that reconnects with its last position misses nothing and gets nothing twice", async () => {
    const id = await open(tokens.teller, C1);
    const first = new LiveEvents(`http://${base}/_live/sse?channels=banking.account/${id}`, tokens.teller);
    await first.ready();
    await deposit(id, tokens.teller);
    // The feed may still bring the opening (version 1) after the stream started: wait for the deposit.
    await until(
      () => first.changes.some((c) => c.message.version === 2),
      () => "the first deposit",
    );
    const lastId = first.changes.find((c) => c.message.version === 2)?.id ?? "";
    first.close();

    // Changed while nobody listened, and while the next clients join.
    for (let i = 0; i < 3; i++) await deposit(id, tokens.teller);
    const sse = new LiveEvents(`http://${base}/_live/sse?channels=banking.account/${id}&since=${lastId}`, tokens.teller);
    const ws = new LiveSocket(`ws://${base}/_live/ws?channels=banking.account/${id}&since=${lastId}`, tokens.teller);
    try {
      const more = deposit(id, tokens.teller);
      await sse.ready();
      await ws.ready();
      await more;
      await deposit(id, tokens.teller);
      await until(
        () => sse.changes.length >= 5 && ws.changes().length >= 5,
        () => `${sse.changes.length} / ${ws.changes().length} resumed changes`,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sse.changes.map((c) => c.message.version)).toEqual([3, 4, 5, 6, 7]);
      expect(ws.changes().map((c) => c.message.version)).toEqual([3, 4, 5, 6, 7]);
    } finally {
      sse.close();
      ws.close();
    }
  }, 30_000);

  test("mistakes are 4xx envelopes before the stream, error messages on an open socket", async () => {
    const get = async (url: string, token = tokens.teller) => {
      const response = await api.app.inject({ method: "GET", url: `/api/${url}`, headers: { authorization: `Bearer ${token}` } });
      return { status: response.statusCode, errcode: (response.json() as Json).errcode };
    };
    expect(await get("_live/sse?channels=banking.nothing")).toEqual({ status: 400, errcode: "unknown-channel" });
    expect(await get("_live/sse")).toEqual({ status: 400, errcode: "unknown-channel" });
    expect(await get("_live/sse?channels=banking.account/not-a-uuid")).toEqual({ status: 400, errcode: "unknown-channel" });
    expect(await get("_live/sse?channels=banking.account&since=yesterday")).toEqual({ status: 400, errcode: "invalid-position" });
    expect(await get("_live/sse?channels=banking.account", tokens.nobody)).toEqual({ status: 403, errcode: "forbidden" });
    const anonymous = await api.app.inject({ method: "GET", url: "/api/_live/sse?channels=banking.account" });
    expect(anonymous.statusCode).toBe(401);
    expect(await get("_live/ws")).toEqual({ status: 426, errcode: "upgrade-required" });

    const client = new LiveSocket(`ws://${base}/_live/ws`, tokens.teller);
    try {
      await client.ready();
      client.send("not json");
      client.send({ type: "publish", channel: "banking.account", message: {} });
      client.send({ type: "subscribe", channel: "banking.nothing" });
      client.send({ type: "subscribe", channel: "banking.account" });
      await until(
        () => client.of("subscribed").length > 0,
        () => "subscribed after the mistakes",
      );
      expect(client.of("error").map((m) => m.errcode)).toEqual(["invalid-live-message", "invalid-live-message", "unknown-channel"]);
      expect(client.closed).toBeUndefined();
    } finally {
      client.close();
    }
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://${base}/_live/ws?channels=banking.account`);
      socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
      socket.on("error", () => undefined);
    });
    expect(refused).toBe(401);
  }, 30_000);
});

describe("live updates end cleanly", () => {
  test("closing the server ends every stream with a reason and a position", async () => {
    const api = await startBankingApp("pglite");
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    const base = `127.0.0.1:${(api.app.server.address() as AddressInfo).port}/api`;
    const token = await api.token("teller-1", "acme", ["teller"]);
    const sse = new LiveEvents(`http://${base}/_live/sse?channels=banking.account`, token);
    const ws = new LiveSocket(`ws://${base}/_live/ws?channels=banking.account`, token);
    await sse.ready();
    await ws.ready();
    sse.source.onerror = () => sse.close();
    await api.close();
    await until(
      () => ws.closed !== undefined,
      () => "the socket's close",
    );
    expect(ws.closed?.code).toBe(1001);
    expect(ws.of("closed")[0]?.reason).toBe("shutdown");
    await until(
      () => sse.closedWith.length > 0,
      () => "the event stream's end",
    );
    expect(sse.closedWith[0]?.reason).toBe("shutdown");
    sse.close();
  }, 30_000);
});

describe("live updates with the session cookie", () => {
  test("a browser's cookie authenticates both; a WebSocket from another origin is refused", async () => {
    const api = await startBankingApp("pglite", { session: { cookieName: "sid" } });
    try {
      await api.app.listen({ host: "127.0.0.1", port: 0 });
      const host = `127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
      const cookie = `sid=${await api.token("teller-1", "acme", ["teller"])}`;
      const upgrade = (origin: string) =>
        new Promise<number | string>((resolve) => {
          const socket = new WebSocket(`ws://${host}/api/_live/ws?channels=banking.account`, { headers: { cookie, origin } });
          socket.on("message", (data) => {
            if ((JSON.parse(data.toString()) as Json).type === "ready") resolve("ready");
            socket.close();
          });
          socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
          socket.on("error", () => undefined);
        });
      expect(await upgrade(`http://${host}`)).toBe("ready");
      expect(await upgrade("https://evil.example")).toBe(403);

      const response = await fetch(`http://${host}/api/_live/sse?channels=banking.account`, { headers: { cookie } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      await response.body?.cancel();
    } finally {
      await api.close();
    }
  }, 30_000);
});

describe("live updates keep quiet clients' positions current", () => {
  test("heartbeats carry the position past changes the client was not sent", async () => {
    const api = await startBankingApp("pglite", { live: { heartbeatMs: 100 } });
    try {
      await api.app.listen({ host: "127.0.0.1", port: 0 });
      const base = `127.0.0.1:${(api.app.server.address() as AddressInfo).port}/api`;
      const teller = await api.token("teller-1", "acme", ["teller"]);
      const other = await api.token("teller-2", "globex", ["teller"]);
      const ws = new LiveSocket(`ws://${base}/_live/ws?channels=banking.account`, teller);
      const sse = await fetch(`http://${base}/_live/sse?channels=banking.account`, { headers: { authorization: `Bearer ${teller}` } });
      await ws.ready();
      // Another tenant's change: not sent, but the positions move past it.
      const opened = await api.app.inject({
        method: "POST",
        url: "/api/banking:open-account/account/:new",
        headers: { authorization: `Bearer ${other}` },
        payload: { customerId: C1, accountType: "checking" },
      });
      expect(opened.statusCode).toBe(200);
      const start = ws.of("ready")[0]?.position;
      await until(
        () => ws.of("heartbeat").some((m) => m.position !== start),
        () => `a heartbeat past ${String(start)}`,
      );
      expect(ws.changes()).toEqual([]);

      const reader = sse.body?.getReader();
      let text = "";
      while (!/: ping\nid: \d+-\d+\n\n/.test(text) && reader) text += new TextDecoder().decode((await reader.read()).value);
      await reader?.cancel();
      ws.close();
    } finally {
      await api.close();
    }
  }, 30_000);
});

describe("a client dropped as too slow", () => {
  test("EventSource reconnects by itself with Last-Event-ID and misses nothing", async () => {
    // No change may wait for this client: every one heard while another is read drops it.
    const api = await startBankingApp("pglite", { live: { maxPending: 0 } });
    try {
      await api.app.listen({ host: "127.0.0.1", port: 0 });
      const base = `127.0.0.1:${(api.app.server.address() as AddressInfo).port}/api`;
      const teller = await api.token("teller-1", "acme", ["teller"]);
      const sse = new LiveEvents(`http://${base}/_live/sse?channels=banking.account`, teller);
      await sse.ready();
      const opened = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const reply = await api.app.inject({
            method: "POST",
            url: "/api/banking:open-account/account/:new",
            headers: { authorization: `Bearer ${teller}` },
            payload: { customerId: C1, accountType: "checking" },
          });
          return (reply.json() as { data: { account: { _id: string } } }).data.account._id;
        }),
      );
      await until(
        () => sse.changes.length >= opened.length,
        () => `${sse.changes.length} of ${opened.length} changes`,
        25_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sse.closedWith.map((c) => c.reason)).toContain("too-slow");
      expect(sse.changes.map((c) => c.message.id).sort()).toEqual([...opened].sort());
      sse.close();
    } finally {
      await api.close();
    }
  }, 40_000);
});

describe("live updates of a view", () => {
  test("readers of the view are told its rows changed, in their tenant only", async () => {
    const api = await startApp("pglite", buildProject("views"));
    try {
      await api.app.listen({ host: "127.0.0.1", port: 0 });
      const base = `127.0.0.1:${(api.app.server.address() as AddressInfo).port}/api`;
      const analyst = new LiveSocket(`ws://${base}/_live/ws?channels=sales.customer-orders`, await api.token("a-1", "acme", ["analyst"]));
      const clerk = new LiveSocket(`ws://${base}/_live/ws`, await api.token("c-1", "acme", ["clerk"]));
      await analyst.ready();
      await clerk.ready();
      clerk.send({ type: "subscribe", channel: "sales.customer-orders" });
      await until(
        () => clerk.of("error").length > 0,
        () => "the clerk's refusal",
      );
      expect(clerk.of("error")[0]).toMatchObject({ errcode: "forbidden", errdata: { permission: "customer-orders:read" } });

      const place = async (tenant: string) => {
        const reply = await api.app.inject({
          method: "POST",
          url: "/api/sales:place/order/:new",
          headers: { authorization: `Bearer ${await api.token("c-1", tenant, ["clerk"])}` },
          payload: { customerId: C1, total: "10.25" },
        });
        expect(reply.statusCode, reply.body).toBe(200);
      };
      await place("globex");
      await place("acme");
      await until(
        () => analyst.changes().length > 0,
        () => "the view's notice",
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(analyst.changes().map((c) => [c.channel, c.message.type, c.message.resource, (c.message as unknown as Json).event])).toEqual([
        ["sales.customer-orders", "view-changed", "sales.customer-orders", "order-placed"],
      ]);
      analyst.close();
      clerk.close();
    } finally {
      await api.close();
    }
  }, 60_000);
});
