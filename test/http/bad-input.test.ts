/**
 * Issue 11, point 12: each kind of bad input answers the right 4xx with the envelope naming
 * the parameter, header or field (the sweep in bad-input-sweep.test.ts only proves "no 500").
 */
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BankingApp, SECRET } from "./banking-app.js";
import { call, type Json, startKindsApp } from "./kinds-app.js";

function signed(claims: Record<string, unknown>): string {
  const head = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${head}.${body}.${createHmac("sha256", SECRET).update(`${head}.${body}`).digest("base64url")}`;
}

describe.each(["pglite", "postgres"] as const)("bad input on %s", (backend) => {
  let api: BankingApp;
  let admin: string;
  let tenant: string;
  let id: string;
  const valid = { name: "x", balance: "1.00", tags: [], owners: [] };

  beforeAll(async () => {
    api = await startKindsApp(backend);
    tenant = `t-${randomUUID().slice(0, 8)}`;
    admin = await api.token("admin-1", tenant, ["admin"]);
    const made = await call(api, "POST", "/api/kinds:make/thing/:new", admin, valid);
    id = ((made.body.data as Json).thing as Json)._id as string;
  }, 120_000);
  afterAll(async () => api?.close());

  const list = (query: Json) => call(api, "GET", `/api/kinds.thing/?query=${encodeURIComponent(JSON.stringify(query))}`, admin);

  test.each([
    [{ "_version.gt": 1.5 }],
    [{ _version: "99999999999999999999" }],
    [{ "count.lt": 2 ** 63 }],
    [{ "ratio.gt": "1e400" }],
    [{ "at.gt": "March 7" }],
    [{ "at.gt": "2024-02-30T00:00:00Z" }],
    [{ "at.gt": "+275760-09-13T00:00:00.000Z" }],
    [{ "_created.between": ["2024-01-01T00:00:00Z", "0000-01-01T00:00:00Z"] }],
    [{ "day.eq": "2023-02-29" }],
    [{ name: "a\u0000b" }],
    [{ name: "\ud800" }],
  ])("filter %j: 400 invalid-query naming `query`", async (query) => {
    const answer = await list(query);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body).toMatchObject({ errcode: "invalid-query", errdata: { parameter: "query" } });
  });

  test("valid date-times still filter: an offset, a date alone, a leap day", async () => {
    for (const value of ["2024-02-29T10:00:00+02:00", "2024-01-01", "9999-12-31T23:59:59.999Z"]) {
      expect((await list({ "_created.lt": value })).status, value).toBe(200);
    }
  });

  test.each([
    ["sort=name.asc&sort=name.desc", "sort"],
    ["text=a%00b", "text"],
    ["limit=1e2", "limit"],
    ["page=0x10", "page"],
  ])("list ?%s: 400 naming `%s`", async (search, parameter) => {
    const answer = await call(api, "GET", `/api/kinds.thing/?${search}`, admin);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body).toMatchObject({ errcode: "invalid-query", errdata: { parameter } });
  });

  test.each([
    ["at=March%207", "at"],
    ["at=2024-02-30T00%3A00%3A00Z", "at"],
    ["at=%2B275760-09-13T00%3A00%3A00.000Z", "at"],
    ["version=1e3", "version"],
    ["version=99999999999", "version"],
  ])("item ?%s: 400 naming `%s`", async (search, parameter) => {
    const answer = await call(api, "GET", `/api/kinds.thing/${id}?${search}`, admin);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body).toMatchObject({ errcode: "invalid-query", errdata: { parameter } });
  });

  test("a decimal with more than 28 digits is a 422 naming the field; 28 digits pass", async () => {
    const tooMany = await call(api, "POST", "/api/kinds:make/thing/:new", admin, { ...valid, balance: `${"9".repeat(27)}.99` });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ errcode: "invalid-payload", errdata: { fields: [{ path: "balance", message: "must have at most 28 digits" }] } });
    const enough = await call(api, "POST", "/api/kinds:make/thing/:new", admin, { ...valid, balance: `${"9".repeat(26)}.99` });
    expect(enough.status, JSON.stringify(enough.body)).toBe(200);
  });

  test("an integer beyond 2^53 and text with NUL or a lone surrogate are 422s naming the field", async () => {
    for (const [field, value] of [
      ["count", 2 ** 63],
      ["name", "a\u0000b"],
      ["note", "x\udc00"],
      ["tags", ["ok", "\ud800"]],
    ] as const) {
      const answer = await call(api, "POST", "/api/kinds:make/thing/:new", admin, { ...valid, [field]: value });
      expect(answer.status, `${field}: ${JSON.stringify(answer.body)}`).toBe(422);
      const paths = ((answer.body.errdata as Json).fields as Json[]).map((f) => f.path);
      expect(paths[0]).toMatch(new RegExp(`^${field}`));
    }
  });

  test("Idempotency-Key: 255 characters pass, 256 or non-ASCII are a 400 naming the header", async () => {
    const touch = (key: string) => call(api, "POST", `/api/kinds:touch/thing/${id}`, admin, { note: "n" }, { "idempotency-key": key });
    expect((await touch("k".repeat(255))).status).toBe(200);
    for (const key of ["k".repeat(256), "\u00e9t\u00e9"]) {
      const answer = await touch(key);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ errcode: "invalid-header", errdata: { header: "Idempotency-Key" } });
    }
  });

  test("a signed token whose claims hold NUL or a lone surrogate is a 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [{ sub: "a\u0000b" }, { tenant: "\ud800" }, { name: "x\u0000" }]) {
      const token = signed({ sub: "admin-1", tenant, roles: ["admin"], iat: now, exp: now + 600, ...claims });
      const answer = await call(api, "GET", "/api/kinds.thing/", token);
      expect(answer.status, JSON.stringify(claims)).toBe(401);
      expect(answer.body).toMatchObject({ errcode: "unauthorized" });
    }
  });

  test("a path id over the router's limit is a 414 with the envelope", async () => {
    const answer = await call(api, "GET", `/api/kinds.thing/${"a".repeat(101)}`, admin);
    expect(answer.status).toBe(414);
    expect(answer.body).toMatchObject({ errcode: "uri-too-long", errdata: {} });
  });
});
