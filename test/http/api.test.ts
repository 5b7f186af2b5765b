/**
 * The HTTP API of the banking example end to end, on PGlite and on the PostgreSQL server:
 * every status code of DESIGN §4, policies, tenant isolation, If-Match, idempotent retries,
 * concurrent commands, time travel and history.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BankingApp, startBankingApp } from "./banking-app.js";

type Json = Record<string, unknown>;

describe.each(["pglite", "postgres"] as const)("banking API on %s", (backend) => {
  let api: BankingApp;
  let tenant: string;
  let teller: string;
  const customerId = randomUUID();
  let customer: string;
  let otherCustomer: string;
  let auditor: string;
  let stranger: string;

  beforeAll(async () => {
    api = await startBankingApp(backend);
    tenant = `bank-${randomUUID().slice(0, 8)}`;
    teller = await api.token("teller-1", tenant, ["teller"]);
    customer = await api.token(customerId, tenant, ["customer"]);
    otherCustomer = await api.token(randomUUID(), tenant, ["customer"]);
    auditor = await api.token("auditor-1", tenant, ["auditor"]);
    stranger = await api.token("nobody", tenant, []);
  }, 120_000);
  afterAll(async () => api?.close());

  async function call(method: "GET" | "POST", url: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await api.app.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, body: response.json() as Json };
  }

  async function openAccount(token = teller, owner = customerId): Promise<string> {
    const opened = await call("POST", "/api/banking:open-account/account/:new", token, { customerId: owner, accountType: "checking" });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    return ((opened.body.data as Json).account as Json)._id as string;
  }

  const deposit = (id: string, amount: string, token = teller, headers: Record<string, string> = {}) =>
    call("POST", `/api/banking:deposit/account/${id}`, token, { amount }, headers);

  test("200: open an account, deposit, and read the row back in the wire shape", async () => {
    const id = await openAccount();
    const deposited = await deposit(id, "100.00");
    expect(deposited.status).toBe(200);
    expect(deposited.body).toMatchObject({ status: "OK", data: { account: { _id: id, _version: 2, balance: "100.00", status: "open", customerId } } });
    const row = (deposited.body.data as Json).account as Json;
    expect(Object.keys(row).slice(0, 4)).toEqual(["_id", "_version", "_created", "_updated"]);
    const item = await call("GET", `/api/banking.account/${id}`, teller);
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ _id: id, _version: 2, balance: "100.00" });
  });

  test("a creating action can be given the id with ?identifier=", async () => {
    const chosen = randomUUID();
    const opened = await call("POST", `/api/banking:open-account/account/:new?identifier=${chosen}`, teller, { customerId, accountType: "savings" });
    expect(opened.status).toBe(200);
    expect(((opened.body.data as Json).account as Json)._id).toBe(chosen);
    const again = await call("POST", `/api/banking:open-account/account/:new?identifier=${chosen}`, teller, { customerId, accountType: "savings" });
    expect(again.status).toBe(409);
    expect(again.body.errcode).toBe("stream-exists");
  });

  test("401: no token, a malformed header, a token signed with another secret", async () => {
    expect((await call("GET", "/api/banking.account/")).status).toBe(401);
    const malformed = await api.app.inject({ method: "GET", url: "/api/banking.account/", headers: { authorization: "Token abc" } });
    expect(malformed.statusCode).toBe(401);
    const forged = `${teller.slice(0, teller.lastIndexOf(".") + 1)}${"A".repeat(43)}`;
    const rejected = await call("GET", "/api/banking.account/", forged);
    expect(rejected.status).toBe(401);
    expect(rejected.body).toMatchObject({ errcode: "unauthorized" });
    expect(rejected.body).toHaveProperty("errmesg");
    expect(rejected.body).toHaveProperty("errdata");
  });

  test("422: an invalid payload lists the failing field paths", async () => {
    const id = await openAccount();
    const invalid = await deposit(id, "ten euros");
    expect(invalid.status).toBe(422);
    expect(invalid.body.errcode).toBe("invalid-payload");
    expect(JSON.stringify(invalid.body.errdata)).toContain("amount");
    const extra = await call("POST", `/api/banking:deposit/account/${id}`, teller, { amount: "1.00", bonus: true });
    expect(extra.status).toBe(422);
    expect(JSON.stringify(extra.body.errdata)).toContain("bonus");
  });

  test("409: a business rule (no overdraft) and a `when` precondition, named in errcode", async () => {
    const id = await openAccount();
    await deposit(id, "10.00");
    const overdraft = await call("POST", `/api/banking:withdraw/account/${id}`, teller, { amount: "10.01" });
    expect(overdraft.status).toBe(409);
    expect(overdraft.body.errcode).toBe("insufficient-funds");
    expect((await call("POST", `/api/banking:close/account/${id}`, teller)).status).toBe(200);
    const closed = await deposit(id, "1.00");
    expect(closed.status).toBe(409);
    expect(closed.body.errcode).toBe("precondition-failed");
  });

  test("412: If-Match must equal the version; the right one passes", async () => {
    const id = await openAccount();
    const stale = await deposit(id, "1.00", teller, { "if-match": "7" });
    expect(stale.status).toBe(412);
    expect(stale.body.errcode).toBe("version-conflict");
    const fresh = await deposit(id, "1.00", teller, { "if-match": '"1"' });
    expect(fresh.status).toBe(200);
    const badHeader = await deposit(id, "1.00", teller, { "if-match": "latest" });
    expect(badHeader.status).toBe(400);
  });

  test("Idempotency-Key: a retry returns the first outcome and appends nothing; another body with it is 422", async () => {
    const id = await openAccount();
    const key = randomUUID();
    const first = await deposit(id, "5.00", teller, { "idempotency-key": key });
    const retry = await deposit(id, "5.00", teller, { "idempotency-key": key });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const item = await call("GET", `/api/banking.account/${id}`, teller);
    expect(item.body).toMatchObject({ _version: 2, balance: "5.00" });
    const misuse = await deposit(id, "6.00", teller, { "idempotency-key": key });
    expect(misuse.status).toBe(422);
    expect(misuse.body.errcode).toBe("idempotency-key-reused");
  });

  test("404: an unknown id and another tenant's id answer the same", async () => {
    const id = await openAccount();
    const elsewhere = await api.token("teller-2", `other-${randomUUID().slice(0, 8)}`, ["teller"]);
    const unknown = await call("GET", `/api/banking.account/${randomUUID()}`, teller);
    const foreign = await call("GET", `/api/banking.account/${id}`, elsewhere);
    expect(unknown.status).toBe(404);
    expect(foreign.status).toBe(404);
    expect(foreign.body.errcode).toBe(unknown.body.errcode);
    expect((await deposit(id, "1.00", elsewhere)).status).toBe(404);
    expect((await call("GET", `/api/banking.account/${id}/_events`, elsewhere)).status).toBe(404);
    const list = await call("GET", `/api/banking.account/?query=${encodeURIComponent(JSON.stringify({ _id: id }))}`, elsewhere);
    expect(list.body.data).toEqual([]);
    expect((await call("GET", "/api/banking.nothing/", teller)).status).toBe(404);
  });

  test("403: roles without access, and the own-resource rule for customers", async () => {
    const mine = await openAccount(teller, customerId);
    const theirs = await openAccount(teller, randomUUID());
    expect((await deposit(mine, "1.00", auditor)).status).toBe(403);
    expect((await call("GET", "/api/banking.account/", stranger)).status).toBe(403);
    expect((await deposit(mine, "1.00", customer)).status).toBe(200);
    const denied = await deposit(theirs, "1.00", customer);
    expect(denied.status).toBe(403);
    expect(denied.body.errcode).toBe("forbidden");
    expect((await call("GET", `/api/banking.account/${theirs}`, customer)).status).toBe(403);
    expect((await call("GET", `/api/banking.account/${mine}`, customer)).status).toBe(200);
    // Customers may not open accounts, close them, or read the history.
    expect((await call("POST", "/api/banking:open-account/account/:new", customer, { customerId, accountType: "checking" })).status).toBe(403);
    expect((await call("GET", `/api/banking.account/${mine}/_events`, customer)).status).toBe(403);
    expect((await call("GET", `/api/banking.account/${mine}/_events`, auditor)).status).toBe(200);
  });

  test("list queries: an actor only ever sees rows it may read", async () => {
    const other = randomUUID();
    await openAccount(teller, other);
    await openAccount(teller, customerId);
    const own = await call("GET", "/api/banking.account/?limit=1000", customer);
    expect(own.status).toBe(200);
    const rows = own.body.data as Json[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.customerId === customerId)).toBe(true);
    const all = await call("GET", "/api/banking.account/?limit=1000", teller);
    expect((all.body.data as Json[]).some((r) => r.customerId === other)).toBe(true);
    const nobodys = await call("GET", "/api/banking.account/", otherCustomer);
    expect(nobodys.body.data).toEqual([]);
  });

  test("list queries: filter language, sort, text search and correct page counts", async () => {
    const owner = randomUUID();
    const ids: string[] = [];
    for (const amount of ["10.00", "20.00", "30.00", "40.00", "50.00"]) {
      const id = await openAccount(teller, owner);
      await deposit(id, amount);
      ids.push(id);
    }
    const list = (query: Json, extra = "") => call("GET", `/api/banking.account/?query=${encodeURIComponent(JSON.stringify(query))}${extra}`, teller);
    const big = await list({ customerId: owner, "balance.gt": "25.00" }, "&sort=balance.desc");
    expect((big.body.data as Json[]).map((r) => r.balance)).toEqual(["50.00", "40.00", "30.00"]);
    const either = await list({ customerId: owner, ".or": [{ "balance.lte": "10.00" }, { "balance.gte": "50" }] }, "&sort=balance.asc");
    expect((either.body.data as Json[]).map((r) => r.balance)).toEqual(["10.00", "50.00"]);
    const negated = await list({ customerId: owner, "balance!eq": "30.00" });
    expect((negated.body.data as Json[]).length).toBe(4);
    const paged = await list({ customerId: owner }, "&limit=2&page=3&sort=balance.asc");
    expect(paged.body.pagination).toEqual({ limit: 2, offset: 4, page: 3, total: 5, pages: 3 });
    expect((paged.body.data as Json[]).map((r) => r.balance)).toEqual(["50.00"]);
    const enums = await list({ customerId: owner, "status.in": ["open", "frozen"], "accountType.eq": "checking" });
    expect((enums.body.data as Json[]).length).toBe(5);
    const text = await call("GET", `/api/banking.account/?text=checking&query=${encodeURIComponent(JSON.stringify({ customerId: owner }))}`, teller);
    expect((text.body.data as Json[]).length).toBe(5);
  });

  test("400: unknown field, unknown operator, malformed query or value, bad sort", async () => {
    const bad = async (suffix: string) => {
      const result = await call("GET", `/api/banking.account/${suffix}`, teller);
      expect(result.status, suffix).toBe(400);
      expect(result.body.errcode).toBe("invalid-query");
      return result;
    };
    expect((await bad(`?query=${encodeURIComponent(JSON.stringify({ colour: "red" }))}`)).body.errmesg).toContain("colour");
    await bad(`?query=${encodeURIComponent(JSON.stringify({ "balance.has": "1" }))}`);
    await bad("?query=%7Bnot-json");
    await bad(`?query=${encodeURIComponent(JSON.stringify({ "balance.gt": "lots" }))}`);
    await bad(`?query=${encodeURIComponent(JSON.stringify({ "status.in": ["open", "; DROP TABLE x"] }))}`);
    await bad("?sort=password.asc");
    await bad("?limit=0");
    await bad(`?query=${encodeURIComponent(JSON.stringify({ 'x" OR 1=1 --': 1 }))}`);
  });

  test("concurrent commands on one aggregate all land, in order, with no lost update", async () => {
    const id = await openAccount();
    const results = await Promise.all(Array.from({ length: 12 }, () => deposit(id, "1.10")));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    const item = await call("GET", `/api/banking.account/${id}`, teller);
    expect(item.body).toMatchObject({ _version: 13, balance: "13.20" });
    const history = await call("GET", `/api/banking.account/${id}/_events`, auditor);
    expect((history.body.data as Json[]).map((e) => e.version)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });

  test("time travel and the audit trail", async () => {
    const id = await openAccount();
    await deposit(id, "100.00");
    await deposit(id, "50.00", teller, { "idempotency-key": "deposit-3", "x-correlation-id": "corr-1" });
    const withdrawn = await call("POST", `/api/banking:withdraw/account/${id}`, teller, { amount: "30.00" });
    expect(withdrawn.status).toBe(200);
    const now = await call("GET", `/api/banking.account/${id}`, auditor);
    expect(now.body).toMatchObject({ _version: 4, balance: "120.00" });
    const then = await call("GET", `/api/banking.account/${id}?version=2`, auditor);
    expect(then.body).toMatchObject({ _version: 2, balance: "100.00" });
    const history = await call("GET", `/api/banking.account/${id}/_events`, auditor);
    const events = history.body.data as Json[];
    expect(events.map((e) => e.type)).toEqual(["account-opened", "deposit-made", "deposit-made", "withdrawal-made"]);
    expect(events[2]).toMatchObject({ actorId: "teller-1", commandId: "deposit-3", correlationId: "corr-1", data: { amount: "50.00" } });
    const at = await call("GET", `/api/banking.account/${id}?at=${encodeURIComponent(String(events[1]!.recordedAt))}`, auditor);
    expect(at.body).toMatchObject({ balance: "100.00" });
    expect((await call("GET", `/api/banking.account/${id}?version=9`, auditor)).status).toBe(404);
    expect((await call("GET", `/api/banking.account/${id}?version=2`, customer)).status).toBe(403);
  });

  test("metadata endpoints, /auth/info, the OpenAPI document and Swagger UI", async () => {
    expect((await call("GET", "/api/_meta")).body).toMatchObject({ name: "banking-app", version: "1.2.3", framework: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const domain = await call("GET", "/api/_meta/banking/");
    expect(domain.body).toMatchObject({ id: "banking", revision: 1, description: "Retail accounts" });
    expect(Object.keys(domain.body.commands as Json).sort()).toEqual(["close", "deposit", "freeze", "open-account", "withdraw"]);
    const command = await call("GET", "/api/_meta/banking:open-account/");
    expect(command.body).toMatchObject({
      key: "open-account",
      genid: true,
      urls: { meta: "/_meta/banking:open-account/", path: "/banking:open-account/account/:new" },
    });
    expect((command.body.schema as Json).required).toEqual(["customerId", "accountType"]);
    const resource = await call("GET", "/api/_meta/banking.account/");
    expect(resource.body).toMatchObject({ name: "banking.account", title: "Account", idfield: "_id", composites: { ".and": {}, ".or": {} } });
    expect((resource.body.fields as Json[]).map((f) => f.name)).toContain("balance");
    expect(resource.body.filters as Json).toHaveProperty(["balance.gt"]);
    const info = await call("GET", "/api/auth/info", customer);
    expect(info.body).toMatchObject({ user: { _id: customerId }, organization: { _id: tenant }, roles: ["customer"] });
    const openapi = await call("GET", "/openapi.json");
    expect(openapi.body.openapi).toBe("3.1.0");
    expect(Object.keys(openapi.body.paths as Json)).toContain("/api/banking:deposit/account/{id}");
    const docs = await api.app.inject({ method: "GET", url: "/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain("swagger");
  });
});
