/**
 * A policy `where` on an array state field means membership: `where: { owners: $actor.id }`
 * holds when the actor's id is one of the array's elements. Commands, item reads, history and
 * lists must agree, on PGlite and on the PostgreSQL server.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BankingApp } from "./banking-app.js";
import { call, type Json, startKindsApp } from "./kinds-app.js";

describe.each(["pglite", "postgres"] as const)("where on an array field on %s", (backend) => {
  let api: BankingApp;
  let admin: string;
  const memberId = randomUUID();
  const otherId = randomUUID();
  let member: string;
  let outsider: string;
  let shared: string;
  let solo: string;
  let nobodys: string;

  beforeAll(async () => {
    api = await startKindsApp(backend);
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    admin = await api.token("admin-1", tenant, ["admin"]);
    member = await api.token(memberId, tenant, ["owner"]);
    outsider = await api.token(randomUUID(), tenant, ["owner"]);
    const make = async (name: string, owners: string[]) => {
      const made = await call(api, "POST", "/api/kinds:make/thing/:new", admin, { name, balance: "1.00", tags: [], owners });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      return ((made.body.data as Json).thing as Json)._id as string;
    };
    shared = await make("shared", [otherId, memberId]);
    solo = await make("solo", [memberId]);
    nobodys = await make("nobodys", [otherId]);
  }, 120_000);
  afterAll(async () => api?.close());

  test("an element of the array may run the command, read the item and its history", async () => {
    for (const id of [shared, solo]) {
      const touched = await call(api, "POST", `/api/kinds:touch/thing/${id}`, member, { note: "mine" });
      expect(touched.status, JSON.stringify(touched.body)).toBe(200);
      const item = await call(api, "GET", `/api/kinds.thing/${id}`, member);
      expect(item.status, JSON.stringify(item.body)).toBe(200);
      expect(item.body).toMatchObject({ _id: id, note: "mine" });
      expect((await call(api, "GET", `/api/kinds.thing/${id}?version=1`, member)).status).toBe(200);
      expect((await call(api, "GET", `/api/kinds.thing/${id}/_events`, member)).status).toBe(200);
    }
  });

  test("an actor that is not an element is refused the command and the item (403)", async () => {
    const touched = await call(api, "POST", `/api/kinds:touch/thing/${nobodys}`, member, { note: "theirs" });
    expect(touched.status).toBe(403);
    expect(touched.body).toMatchObject({ errcode: "forbidden" });
    expect((await call(api, "GET", `/api/kinds.thing/${nobodys}`, member)).status).toBe(403);
    expect((await call(api, "GET", `/api/kinds.thing/${shared}`, outsider)).status).toBe(403);
  });

  test("the list holds exactly the rows whose array contains the actor", async () => {
    const listed = await call(api, "GET", "/api/kinds.thing/?sort=name.asc", member);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect((listed.body.data as Json[]).map((r) => r.name)).toEqual(["shared", "solo"]);
    expect(listed.body.pagination).toMatchObject({ total: 2 });
    const none = await call(api, "GET", "/api/kinds.thing/", outsider);
    expect(none.status).toBe(200);
    expect(none.body.data).toEqual([]);
  });

  test("the list and the item read agree row by row", async () => {
    const all = (await call(api, "GET", "/api/kinds.thing/?limit=100", admin)).body.data as Json[];
    const visible = new Set(((await call(api, "GET", "/api/kinds.thing/?limit=100", member)).body.data as Json[]).map((r) => r._id));
    for (const row of all) {
      const item = await call(api, "GET", `/api/kinds.thing/${String(row._id)}`, member);
      expect(item.status === 200, `${String(row.name)}: item ${item.status}, listed ${visible.has(row._id)}`).toBe(visible.has(row._id));
    }
  });
});
