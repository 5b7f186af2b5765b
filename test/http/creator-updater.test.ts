/**
 * `_creator` / `_updater` over HTTP (issue 14, point 4): the actor ids of a stream's first and
 * latest event, in command replies, items (also in time travel) and list rows, filterable and
 * sortable like `_created`, listed in `/_meta` and in the OpenAPI item schema.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BankingApp, startBankingApp } from "./banking-app.js";

type Json = Record<string, unknown>;

describe.each(["pglite", "postgres"] as const)("who made and last changed a row, on %s", (backend) => {
  let api: BankingApp;
  let tenant: string;
  let first: string;
  let second: string;
  const secondId = randomUUID();

  beforeAll(async () => {
    api = await startBankingApp(backend);
    tenant = `audit-${randomUUID().slice(0, 8)}`;
    first = await api.token("teller-1", tenant, ["teller"]);
    second = await api.token(secondId, tenant, ["teller"]);
  }, 120_000);
  afterAll(async () => api?.close());

  async function call(method: "GET" | "POST", url: string, token: string, body?: unknown) {
    const response = await api.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, body: response.json() as Json };
  }
  const list = async (query: string) => {
    const reply = await call("GET", `/api/banking.account/?${query}`, first);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.data as Json[];
  };

  test("one actor creates, another updates: replies, items and list rows name both", async () => {
    const opened = await call("POST", "/api/banking:open-account/account/:new", first, { customerId: randomUUID(), accountType: "checking" });
    expect(opened.status).toBe(200);
    const created = (opened.body.data as Json).account as Json;
    expect(created).toMatchObject({ _creator: "teller-1", _updater: "teller-1" });
    const id = created._id as string;
    const deposited = await call("POST", `/api/banking:deposit/account/${id}`, second, { amount: "10.00" });
    expect(deposited.status).toBe(200);
    const row = (deposited.body.data as Json).account as Json;
    expect(row).toMatchObject({ _version: 2, _creator: "teller-1", _updater: secondId });
    expect(Object.keys(row).slice(0, 6)).toEqual(["_id", "_version", "_created", "_updated", "_creator", "_updater"]);

    const item = await call("GET", `/api/banking.account/${id}`, first);
    expect(item.body).toEqual(row);
    const then = await call("GET", `/api/banking.account/${id}?version=1`, first);
    expect(then.body).toMatchObject({ _version: 1, _creator: "teller-1", _updater: "teller-1" });

    const [listed] = await list(`query=${encodeURIComponent(JSON.stringify({ _id: id }))}`);
    expect(listed).toEqual(row);
  });

  test("filterable and sortable like _created; not searched by `text`; chosen with include", async () => {
    const ids: string[] = [];
    for (const [creator, updater] of [
      [first, second],
      [second, first],
    ] as const) {
      const opened = await call("POST", "/api/banking:open-account/account/:new", creator, { customerId: randomUUID(), accountType: "savings" });
      const id = ((opened.body.data as Json).account as Json)._id as string;
      await call("POST", `/api/banking:deposit/account/${id}`, updater, { amount: "1.00" });
      ids.push(id);
    }
    const mine = JSON.stringify({ "_id.in": ids.join(",") });
    const byCreator = await list(`query=${encodeURIComponent(JSON.stringify({ ".and": [JSON.parse(mine), { _creator: secondId }] }))}`);
    expect(byCreator.map((r) => r._id)).toEqual([ids[1]]);
    const notTeller1 = await list(`query=${encodeURIComponent(JSON.stringify({ ".and": [JSON.parse(mine), { "_updater!eq": "teller-1" }] }))}`);
    expect(notTeller1.map((r) => r._id)).toEqual([ids[0]]);
    // A UUID that starts with a digit sorts before "teller-1", one with a letter may not: compare with both orders.
    const ascending = ["teller-1", secondId].sort();
    expect((await list(`query=${encodeURIComponent(mine)}&sort=_updater.asc`)).map((r) => r._updater)).toEqual(ascending);
    expect((await list(`query=${encodeURIComponent(mine)}&sort=_updater.desc`)).map((r) => r._updater)).toEqual([...ascending].reverse());
    expect(await list(`query=${encodeURIComponent(mine)}&text=teller`)).toEqual([]);
    // null: rows whose first event had no actor (none here), and its negation.
    const and = (condition: Json) => `query=${encodeURIComponent(JSON.stringify({ ".and": [JSON.parse(mine), condition] }))}`;
    expect(await list(and({ _creator: null }))).toEqual([]);
    expect(await list(and({ "_creator!eq": null }))).toHaveLength(2);
    const chosen = await list(`query=${encodeURIComponent(mine)}&include=_creator&sort=_created.asc`);
    expect(chosen).toEqual([
      { _id: ids[0], _creator: "teller-1" },
      { _id: ids[1], _creator: secondId },
    ]);
  });

  test("/_meta lists them as hidden system fields with filters; the OpenAPI item schema has them", async () => {
    const meta = await call("GET", "/api/_meta/banking.account/", first);
    const fields = meta.body.fields as Json[];
    expect(fields.map((f) => f.name).slice(0, 6)).toEqual(["_id", "_version", "_created", "_updated", "_creator", "_updater"]);
    expect(fields.find((f) => f.name === "_creator")).toMatchObject({ label: "Creator", hidden: true, sortable: true, noop: "has", dtype: "string" });
    expect(Object.keys(meta.body.filters as Json).filter((k) => k.startsWith("_updater"))).toEqual(["_updater.has", "_updater.eq", "_updater.ne"]);
    const document = (await api.app.inject({ method: "GET", url: "/openapi.json" })).json() as Json;
    const item = ((document.components as Json).schemas as Record<string, Json>)["banking.account"] as Json;
    expect(item.required).toEqual(expect.arrayContaining(["_creator", "_updater"]));
    expect((item.properties as Json)._creator).toMatchObject({ type: ["string", "null"] });
  });
});
