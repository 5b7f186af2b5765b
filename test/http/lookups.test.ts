/**
 * Lookups in hand-written handlers over HTTP (issue 13 point 6), on PGlite and on the
 * PostgreSQL server, in a project built from fixtures/valid/catalog with the CLI: a quote's
 * handler takes the product's price (found by SKU) and the units sold so far (a view's row)
 * from the server, never from the client, and only in the caller's tenant.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildProject } from "../helpers/project.js";
import { type BankingApp, startApp } from "./banking-app.js";

type Json = Record<string, unknown>;

/** What a developer writes in src/domain/catalog/quote.ts. */
const QUOTE_HANDLERS = `import { BusinessRuleError } from "@fluvius/runtime";
import type * as types from "../../generated/catalog/quote.js";

export const handleRequest: types.RequestHandler = async ({ payload, find }) => {
  const product = await find("product", { sku: payload.sku });
  if (product === undefined) throw new BusinessRuleError("unknown-sku", \`No product has the SKU \${payload.sku}.\`);
  const sales = await find("sales-by-sku", { sku: payload.sku });
  return { type: "quote-made", version: 1, data: { sku: payload.sku, quantity: payload.quantity, unitPrice: product.price, soldBefore: sales?.units ?? 0 } };
};
`;

/** An order of free products is refused: each product read by id. */
const ORDER_HANDLERS = `import { BusinessRuleError } from "@fluvius/runtime";
import type * as types from "../../generated/catalog/order.js";

export const handlePlace: types.PlaceHandler = async ({ payload, get }) => {
  for (const id of payload.productIds) {
    const product = await get("product", id);
    if (product?.price === "0.00") throw new BusinessRuleError("not-for-sale", \`\${product.sku} is not for sale.\`);
  }
  return { type: "order-placed", version: 1, data: { customerId: payload.customerId, productIds: payload.productIds } };
};
`;

describe.each(["pglite", "postgres"] as const)("lookups in handlers over HTTP on %s", (backend) => {
  let api: BankingApp;
  let tenant: string;
  let clerk: string;

  beforeAll(async () => {
    const project = buildProject("catalog", (dir) => {
      writeFileSync(path.join(dir, "src/domain/catalog/quote.ts"), QUOTE_HANDLERS);
      writeFileSync(path.join(dir, "src/domain/catalog/order.ts"), ORDER_HANDLERS);
    });
    api = await startApp(backend, project);
    tenant = `t-${randomUUID().slice(0, 8)}`;
    clerk = await api.token("clerk-1", tenant, ["clerk"]);
  }, 120_000);
  afterAll(async () => api?.close());

  async function post(url: string, body: unknown, token = clerk) {
    const response = await api.app.inject({
      method: "POST",
      url,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify(body),
    });
    return { status: response.statusCode, body: response.json() as Json };
  }
  const quoteOf = (reply: { body: Json }) => (reply.body["data"] as Json)["quote"] as Json;

  test("a quote carries the product's price found by SKU and the units sold so far from the view, not what the client says", async () => {
    expect((await post("/api/catalog:add/product/:new", { sku: "MUG-1", name: "Mug", price: "4.50" })).status).toBe(200);
    const first = await post("/api/catalog:request/quote/:new", { sku: "MUG-1", quantity: 2 });
    expect(first.status).toBe(200);
    expect(quoteOf(first)).toMatchObject({ sku: "MUG-1", quantity: 2, unitPrice: "4.50", soldBefore: 0, _version: 1 });
    for (const quantity of [3, 4]) expect((await post("/api/catalog:record/sale/:new", { sku: "MUG-1", quantity })).status).toBe(200);
    const second = await post("/api/catalog:request/quote/:new", { sku: "MUG-1", quantity: 1 });
    expect(quoteOf(second)).toMatchObject({ unitPrice: "4.50", soldBefore: 7 });
    // The price is not the client's to give: the payload has no such field.
    const priced = await post("/api/catalog:request/quote/:new", { sku: "MUG-1", quantity: 1, unitPrice: "0.01" });
    expect(priced).toMatchObject({ status: 422, body: { errcode: "invalid-payload" } });
  });

  test("another tenant's product is not found: 409 unknown-sku, and its price never reaches the caller", async () => {
    expect((await post("/api/catalog:add/product/:new", { sku: "SECRET-1", name: "Secret", price: "9.99" })).status).toBe(200);
    const stranger = await api.token("clerk-2", `other-${randomUUID().slice(0, 8)}`, ["clerk"]);
    const refused = await post("/api/catalog:request/quote/:new", { sku: "SECRET-1", quantity: 1 }, stranger);
    expect(refused).toEqual({ status: 409, body: { errcode: "unknown-sku", errmesg: "No product has the SKU SECRET-1.", errdata: { rule: "unknown-sku" } } });
  });

  test("a rule on products read by id: an order naming a free product is 409 not-for-sale; with paid ones it is placed", async () => {
    const paid = await post("/api/catalog:add/product/:new", { sku: "CUP-1", name: "Cup", price: "2.00" });
    const free = await post("/api/catalog:add/product/:new", { sku: "FREE-1", name: "Sticker", price: "0.00" });
    const customer = await post("/api/catalog:register/customer/:new", { email: `c-${randomUUID()}@example.com`, country: "NL", taxId: randomUUID() });
    const id = (reply: { body: Json }, aggregate: string) => ((reply.body["data"] as Json)[aggregate] as Json)["_id"] as string;
    const customerId = id(customer, "customer");
    const refused = await post("/api/catalog:place/order/:new", { customerId, productIds: [id(paid, "product"), id(free, "product")] });
    expect(refused).toMatchObject({ status: 409, body: { errcode: "not-for-sale", errmesg: "FREE-1 is not for sale." } });
    expect((await post("/api/catalog:place/order/:new", { customerId, productIds: [id(paid, "product")] })).status).toBe(200);
  });
});
