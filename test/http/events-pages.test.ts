/**
 * `GET …/{id}/_events` pages a long stream like lists do and never cuts it silently; the
 * runtime's other readers of a stream (fold, time travel, replay, subscriptions) see every
 * event of a stream longer than any page. On PGlite and on the PostgreSQL server.
 */
import { randomUUID } from "node:crypto";
import { catchUp, createStore, replay } from "@fluvius/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BankingApp, startBankingApp } from "./banking-app.js";

type Json = Record<string, unknown>;

const DEPOSITS = 1_600;

describe.each(["pglite", "postgres"] as const)("a stream of 1,601 events on %s", (backend) => {
  let api: BankingApp;
  let tenant: string;
  let auditor: string;
  let id: string;

  beforeAll(async () => {
    api = await startBankingApp(backend);
    tenant = `long-${randomUUID().slice(0, 8)}`;
    const teller = await api.token("teller-1", tenant, ["teller"]);
    auditor = await api.token("auditor-1", tenant, ["auditor"]);
    const opened = await api.app.inject({
      method: "POST",
      url: "/api/banking:open-account/account/:new",
      headers: { authorization: `Bearer ${teller}`, "content-type": "application/json" },
      payload: JSON.stringify({ customerId: randomUUID(), accountType: "checking" }),
    });
    id = (opened.json() as { data: { account: { _id: string } } }).data.account._id;
    // 1,600 deposits of 1.00 appended straight to the log (commands would take minutes).
    const events = Array.from({ length: DEPOSITS }, () => ({ type: "deposit-made", schemaVersion: 1, data: { amount: "1.00" } }));
    await createStore(api.db).forTenant(tenant).append("banking.account", id, events, { expected: 1 });
  }, 180_000);
  afterAll(async () => api?.close());

  const get = async (url: string) => {
    const response = await api.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${auditor}` } });
    return { status: response.statusCode, body: response.json() as Json };
  };
  const versionsOf = (body: Json) => (body.data as Json[]).map((e) => e.version as number);
  const total = DEPOSITS + 1;

  test("_events: a first page of 100 with the total, `page`, `afterVersion`, and every event reachable", async () => {
    const first = await get(`/api/banking.account/${id}/_events`);
    expect(first.status).toBe(200);
    expect(versionsOf(first.body)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(first.body.pagination).toEqual({ limit: 100, offset: 0, page: 1, total, pages: 17 });

    const second = await get(`/api/banking.account/${id}/_events?limit=1000&page=2`);
    expect(versionsOf(second.body)).toEqual(Array.from({ length: total - 1000 }, (_, i) => 1001 + i));
    expect(second.body.pagination).toEqual({ limit: 1000, offset: 1000, page: 2, total, pages: 2 });

    const tail = await get(`/api/banking.account/${id}/_events?afterVersion=1500&limit=1000`);
    expect(versionsOf(tail.body)).toEqual(Array.from({ length: total - 1500 }, (_, i) => 1501 + i));
    expect(tail.body.pagination).toEqual({ limit: 1000, offset: 1500, page: 2, total, pages: 2 });

    // Walking by afterVersion reaches every event exactly once.
    const seen: number[] = [];
    for (let after = 0; ;) {
      const page = await get(`/api/banking.account/${id}/_events?afterVersion=${after}&limit=1000`);
      const versions = versionsOf(page.body);
      if (versions.length === 0) break;
      seen.push(...versions);
      after = versions.at(-1) as number;
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect((await get(`/api/banking.account/${id}/_events?page=99`)).body).toMatchObject({ data: [], pagination: { page: 99, total } });
  });

  test("_events: a limit over 1000 and malformed limit, page or afterVersion are 400 naming the parameter", async () => {
    for (const [query, parameter] of [
      ["limit=1001", "limit"],
      ["limit=0", "limit"],
      ["limit=ten", "limit"],
      ["page=0", "page"],
      ["page=1.5", "page"],
      ["afterVersion=-1", "afterVersion"],
      ["afterVersion=x", "afterVersion"],
      ["page=2&afterVersion=10", "afterVersion"],
    ] as const) {
      const answer = await get(`/api/banking.account/${id}/_events?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.errcode, query).toBe("invalid-query");
      expect(String(answer.body.errmesg), query).toContain(`\`${parameter}\``);
      expect(Object.keys(answer.body.errdata as Json), query).toContain(parameter);
    }
  });

  test("the item, time travel, replay and a subscription see all 1,601 events", async () => {
    expect((await get(`/api/banking.account/${id}`)).body).toMatchObject({ _version: total, balance: "1600.00" });
    expect((await get(`/api/banking.account/${id}?version=1500`)).body).toMatchObject({ _version: 1500, balance: "1499.00" });
    const store = createStore(api.db);
    const definitions = api.domains.flatMap((d) => d.aggregates.map((a) => a.definition));
    const [report] = await replay(store, definitions, { aggregate: "banking.account", tenant });
    expect(report).toMatchObject({ streams: 1, events: total });
    const list = await get(`/api/banking.account/?query=${encodeURIComponent(JSON.stringify({ _id: id }))}`);
    expect((list.body.data as Json[])[0]).toMatchObject({ _version: total, balance: "1600.00" });
    let delivered = 0;
    await catchUp(store, { name: `count-${randomUUID()}`, tenant, handle: () => void delivered++ });
    expect(delivered).toBe(total);
  });
});
