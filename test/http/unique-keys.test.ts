/**
 * Unique values, natural keys and checked refs over HTTP, on PGlite and on the PostgreSQL
 * server, in a project built from fixtures/valid/catalog with the CLI: the 409 and 422
 * envelopes a client sees, `GET …/by/{field}/{value}`, and a 32-way race for one value.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { naturalKeyId } from "@fluvius/runtime/internal/runtime/natural-key";
import { buildProject } from "../helpers/project.js";
import { type BankingApp, startApp } from "./banking-app.js";

type Json = Record<string, unknown>;

describe.each(["pglite", "postgres"] as const)("unique values, natural keys and checked refs over HTTP on %s", (backend) => {
  let api: BankingApp;
  let tenant: string;
  let clerk: string;

  beforeAll(async () => {
    api = await startApp(backend, buildProject("catalog"));
    tenant = `t-${randomUUID().slice(0, 8)}`;
    clerk = await api.token("clerk-1", tenant, ["clerk"]);
  }, 120_000);
  afterAll(async () => api?.close());

  async function call(method: "GET" | "POST", url: string, body?: unknown, token = clerk) {
    const response = await api.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, body: response.json() as Json };
  }
  const register = (email: string, taxId = randomUUID(), token = clerk) =>
    call("POST", "/api/catalog:register/customer/:new", { email, country: "NL", taxId }, token);
  const idOf = (reply: { body: Json }) => ((reply.body["data"] as Json)["customer"] as Json)["_id"] as string;

  test("a second customer with a taken e-mail is 409 unique-violation naming the field, the value and the holder", async () => {
    const first = await register("ann@example.com");
    expect(first.status).toBe(200);
    const second = await register("ann@example.com");
    expect(second).toEqual({
      status: 409,
      body: {
        errcode: "unique-violation",
        errmesg: `email "ann@example.com" is already taken by stream ${idOf(first)}.`,
        errdata: { fields: ["email"], values: { email: "ann@example.com" }, existingId: idOf(first) },
      },
    });
  });

  test("32 concurrent creates racing for one e-mail: exactly one 200, 31 × 409 unique-violation, no 500", async () => {
    const replies = await Promise.all(Array.from({ length: 32 }, () => register("race@example.com")));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array.from({ length: 31 }, () => 409)]);
    const winner = idOf(replies.find((r) => r.status === 200) ?? { body: {} });
    for (const r of replies.filter((x) => x.status === 409)) expect(r.body).toMatchObject({ errcode: "unique-violation", errdata: { existingId: winner } });
    const list = await call("GET", `/api/catalog.customer/?query=${encodeURIComponent(JSON.stringify({ email: "race@example.com" }))}`);
    expect((list.body["pagination"] as Json)["total"]).toBe(1);
  });

  test("a natural key: the id is the key's UUID v5, a second create is 409 stream-exists, GET …/by/sku/{value} finds it", async () => {
    const added = await call("POST", "/api/catalog:add/product/:new", { sku: "SKU 1/a", name: "Mug", price: "4.50" });
    expect(added.status).toBe(200);
    const id = naturalKeyId("catalog", "product", "SKU 1/a");
    expect(((added.body["data"] as Json)["product"] as Json)["_id"]).toBe(id);
    const again = await call("POST", "/api/catalog:add/product/:new", { sku: "SKU 1/a", name: "Cup", price: "1.00" });
    expect(again).toMatchObject({ status: 409, body: { errcode: "stream-exists", errdata: { streamId: id } } });
    const found = await call("GET", `/api/catalog.product/by/sku/${encodeURIComponent("SKU 1/a")}`);
    expect(found).toMatchObject({ status: 200, body: { _id: id, sku: "SKU 1/a", name: "Mug", price: "4.50", _version: 1 } });
    expect(found.body).toEqual((await call("GET", `/api/catalog.product/${id}`)).body);
  });

  test("GET …/by/{field}/{value}: a unique field too; 404 for no such value or another tenant's; 400 for a field that is no key", async () => {
    const bob = await register("bob@example.com");
    expect(await call("GET", "/api/catalog.customer/by/email/bob%40example.com")).toMatchObject({
      status: 200,
      body: { _id: idOf(bob), email: "bob@example.com" },
    });
    expect(await call("GET", "/api/catalog.customer/by/email/nobody%40example.com")).toMatchObject({ status: 404, body: { errcode: "not-found" } });
    const stranger = await api.token("clerk-2", `other-${randomUUID().slice(0, 8)}`, ["clerk"]);
    expect((await call("GET", "/api/catalog.customer/by/email/bob%40example.com", undefined, stranger)).status).toBe(404);
    expect(await call("GET", "/api/catalog.customer/by/country/NL")).toMatchObject({ status: 400, body: { errcode: "invalid-argument" } });
    // An aggregate without a key has no such route.
    expect((await call("GET", `/api/catalog.order/by/customerId/${idOf(bob)}`)).status).toBe(404);
  });

  test("a checked ref to no stream of the tenant is 422 reference-not-found naming the field and the id", async () => {
    const nobody = randomUUID();
    const placed = await call("POST", "/api/catalog:place/order/:new", { customerId: nobody, productIds: [] });
    expect(placed).toEqual({
      status: 422,
      body: {
        errcode: "reference-not-found",
        errmesg: `'customerId' refers to customer ${nobody}, which does not exist.`,
        errdata: { field: "customerId", aggregate: "customer", id: nobody },
      },
    });
    const carol = idOf(await register("carol@example.com"));
    const mug = naturalKeyId("catalog", "product", "SKU 1/a");
    expect((await call("POST", "/api/catalog:place/order/:new", { customerId: carol, productIds: [mug] })).status).toBe(200);
  });

  test("the OpenAPI document lists the by-key route and the new error codes", async () => {
    const doc = (await api.app.inject({ method: "GET", url: "/openapi.json" })).json() as { paths: Json; components: { schemas: Json } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/catalog.product/by/{field}/{value}", "/api/catalog.customer/by/{field}/{value}"]));
    expect(Object.keys(doc.paths)).not.toContain("/api/catalog.order/by/{field}/{value}");
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([expect.stringContaining("unique-violation"), expect.stringContaining("reference-not-found")]),
    );
  });
});
