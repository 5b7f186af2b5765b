/**
 * Lookups in hand-written handlers (issue 13 point 6), on PGlite and on the PostgreSQL server:
 * `ctx.get` reads another aggregate's current state, `ctx.find` one by natural key or unique
 * fields and a view's row by key, always in the command's tenant and whatever the actor may read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAggregateService, createLookups, createPolicy, naturalKeyId, type Actor, type FluviusError } from "@fluvius/runtime";
import type { AnyService } from "@fluvius/runtime/internal/runtime/reactions/dispatch";
import { domain as catalog, quoteAggregate, rules } from "../../fixtures/valid/catalog/expected/generated/catalog/index.js";
import type { RequestHandler } from "../../fixtures/valid/catalog/expected/generated/catalog/quote.js";
import { requestQuote, withHandlers } from "./fixtures/catalog-lookups.js";
import { catalogTablesSql } from "./fixtures/catalog.js";
import { freshTenant, pgliteBackend, postgresBackend, type Backend } from "./helpers/backends.js";
import { rejection } from "./helpers/rejection.js";

const clerk = (tenant: string): Actor => ({ id: "clerk-1", tenant, roles: ["clerk"] });
/** May place orders and request quotes, but read nothing: lookups are not the actor's reads. */
const seller = (tenant: string): Actor => ({ id: "seller-1", tenant, roles: ["seller"] });

describe.each([
  ["pglite", pgliteBackend],
  ["postgres", () => postgresBackend(4)],
] as const)("lookups in handlers on %s", (_name, open) => {
  let backend: Backend;
  let services: Map<string, AnyService>;
  const run = (aggregate: string, action: string, payload: unknown, actor: Actor, streamId?: string) => {
    const service = services.get(aggregate);
    if (service === undefined) throw new Error(`no service ${aggregate}`);
    return service.execute({ action, payload, actor, ...(streamId === undefined ? {} : { streamId }) });
  };
  const addProduct = (tenant: string, sku: string, price: string) => run("product", "add", { sku, name: `Product ${sku}`, price }, clerk(tenant));

  beforeAll(async () => {
    backend = await open();
    await backend.db.exec(await catalogTablesSql());
    const domain = withHandlers(catalog);
    const lookups = createLookups(backend.store, [domain]);
    // The seller role may only run the two commands: the handlers' reads are the server's.
    const policy = createPolicy([...rules, { role: "seller", allow: ["quote:request", "order:place"] }]);
    services = new Map(
      domain.aggregates.map((a) => [
        a.definition.aggregate,
        createAggregateService(backend.store, a.definition, { policy, views: domain.views ?? [], lookups }) as AnyService,
      ]),
    );
  });
  afterAll(async () => backend?.close());

  it("find by natural key and a view's row: the quote carries the product's price and the units sold so far", async () => {
    const tenant = freshTenant();
    await addProduct(tenant, "MUG-1", "4.50");
    const first = await run("quote", "request", { sku: "MUG-1", quantity: 2 }, seller(tenant));
    expect(first.state).toEqual({ sku: "MUG-1", quantity: 2, unitPrice: "4.50", soldBefore: 0 });
    await run("sale", "record", { sku: "MUG-1", quantity: 3 }, clerk(tenant));
    await run("sale", "record", { sku: "MUG-1", quantity: 4 }, clerk(tenant));
    const second = await run("quote", "request", { sku: "MUG-1", quantity: 1 }, seller(tenant));
    expect(second.state).toMatchObject({ unitPrice: "4.50", soldBefore: 7 });
  });

  it("a read, not a lock: the product may change between the handler's read and the command's write", async () => {
    const tenant = freshTenant();
    const cup = await addProduct(tenant, "CUP-1", "1.00");
    let seen: unknown;
    // The handler reads the product, then the product moves on before the quote is written.
    const racing: RequestHandler = async (ctx) => {
      seen = await ctx.get("product", cup.streamId);
      await run("product", "rename", { name: "Renamed cup" }, clerk(tenant), cup.streamId);
      return requestQuote(ctx);
    };
    const lookups = createLookups(backend.store, [catalog]);
    const definition = { ...quoteAggregate, actions: { request: { ...quoteAggregate.actions.request, handle: racing } } };
    const service = createAggregateService(backend.store, definition, { policy: catalog.policy, lookups });
    const quote = await service.execute({ action: "request", payload: { sku: "CUP-1", quantity: 1 }, actor: clerk(tenant) });
    expect(quote.state).toMatchObject({ unitPrice: "1.00" });
    expect(seen).toMatchObject({ _id: cup.streamId, _version: 1, name: "Product CUP-1", price: "1.00" });
    expect((await services.get("product")?.get(clerk(tenant), cup.streamId))?.["_version"]).toBe(2);
  });

  it("is tenant scoped: another tenant's product (same SKU, same natural-key id) is not found", async () => {
    const owner = freshTenant("owner");
    const other = freshTenant("other");
    await addProduct(owner, "SECRET-1", "9.99");
    const refused = await rejection<FluviusError>(run("quote", "request", { sku: "SECRET-1", quantity: 1 }, seller(other)));
    expect(refused).toMatchObject({ code: "business-rule", rule: "unknown-sku", status: 409 });
    const id = naturalKeyId("catalog", "product", "SECRET-1");
    const customer = await run("customer", "register", { email: "ann@example.com", country: "NL", taxId: "T1" }, clerk(other));
    const byId = await rejection<FluviusError>(run("order", "place", { customerId: customer.streamId, productIds: [id] }, seller(other)));
    expect(byId).toMatchObject({ rule: "unknown-product" });
  });

  it("get by id and find by a unique field set decide the command; an actor without read permission still gets them", async () => {
    const tenant = freshTenant();
    const mug = await addProduct(tenant, "MUG-2", "3.00");
    const free = await addProduct(tenant, "FREE-1", "0.00");
    const customer = await run("customer", "register", { email: "bob@example.com", country: "DE", taxId: "T2" }, clerk(tenant));
    const placed = await run("order", "place", { customerId: customer.streamId, productIds: [mug.streamId] }, seller(tenant));
    expect(placed.version).toBe(1);
    const refused = await rejection<FluviusError>(
      run("order", "place", { customerId: customer.streamId, productIds: [mug.streamId, free.streamId] }, seller(tenant)),
    );
    expect(refused).toMatchObject({ rule: "not-for-sale", message: "FREE-1 is not for sale." });
  });

  it("a view's row by a composite key (a day bucket and a uuid) is spelled as the API's rows: dates, decimals, no NULL fields", async () => {
    await backend.db
      .exec(`CREATE SCHEMA IF NOT EXISTS lookups_test; CREATE TABLE lookups_test.revenue (_tenant text NOT NULL, day date NOT NULL, owner uuid NOT NULL,
      _version integer NOT NULL, _updated timestamptz NOT NULL, revenue numeric(1000,2) DEFAULT 0, orders bigint DEFAULT 0, note text, PRIMARY KEY (_tenant, day, owner))`);
    const tenant = freshTenant();
    const owner = "0b8e3c1a-2d4f-4e6a-8b9c-0d1e2f3a4b5c";
    await backend.db.query(`INSERT INTO lookups_test.revenue VALUES ($1, '2026-12-03', $2, 2, '2026-12-03T10:00:00.000Z', 12.5, 3, NULL)`, [tenant, owner]);
    const revenue = {
      domain: "catalog",
      name: "revenue",
      table: {
        schema: "lookups_test",
        table: "revenue",
        key: [
          { field: "day", column: "day", kind: "date", sqlType: "date" },
          { field: "owner", column: "owner", kind: "uuid", sqlType: "uuid" },
        ],
        columns: [
          { field: "revenue", column: "revenue", kind: "decimal", sqlType: "numeric(1000,2)", default: "0" },
          { field: "orders", column: "orders", kind: "integer", sqlType: "bigint", default: "0" },
          { field: "note", column: "note", kind: "string", sqlType: "text" },
        ],
      },
      sources: [],
    } as const;
    const find = (t: string, key: object) =>
      (createLookups(backend.store, [{ ...catalog, views: [revenue] }])("catalog", t) as unknown as { find(name: string, key: object): Promise<unknown> }).find(
        "revenue",
        key,
      );
    expect(await find(tenant, { day: "2026-12-03", owner: owner.toUpperCase() })).toEqual({
      day: "2026-12-03",
      owner,
      _version: 2,
      _updated: "2026-12-03T10:00:00.000Z",
      revenue: "12.50",
      orders: 3,
    });
    expect(await find(tenant, { day: "2026-12-04", owner })).toBeUndefined();
    expect(await find(tenant, { day: "2026-02-30", owner })).toBeUndefined();
    expect(await find(freshTenant(), { day: "2026-12-03", owner })).toBeUndefined();
  });

  it("a name that is no aggregate or view of the domain, or fields that are no key, fail as lookup-setup (a bug of the handler)", async () => {
    const tenant = freshTenant();
    const lookups = createLookups(backend.store, [catalog])("catalog", tenant);
    const untyped = lookups as unknown as { get(name: string, id: string): Promise<unknown>; find(name: string, key: object): Promise<unknown> };
    await expect(untyped.get("invoice", naturalKeyId("catalog", "product", "x"))).rejects.toMatchObject({ code: "lookup-setup", status: 500 });
    await expect(untyped.find("product", { name: "Mug" })).rejects.toMatchObject({ code: "lookup-setup" });
    await expect(untyped.find("sales-by-sku", { units: 1 })).rejects.toMatchObject({ code: "lookup-setup" });
    // A service made without lookups says how to pass them, as the handler's failure.
    const bare = createAggregateService(
      backend.store,
      withHandlers(catalog).aggregates.find((a) => a.definition.aggregate === "quote")?.definition ?? quoteAggregate,
      { policy: catalog.policy },
    );
    await expect(bare.execute({ action: "request", payload: { sku: "MUG-1", quantity: 1 }, actor: clerk(tenant) })).rejects.toMatchObject({
      code: "lookup-setup",
      message: expect.stringContaining("createLookups(store, domains)"),
    });
    // A value no row can hold finds nothing rather than failing in the database.
    expect(await untyped.get("product", "not-a-uuid")).toBeUndefined();
    expect(await untyped.find("sales-by-sku", { sku: 12 })).toBeUndefined();
  });
});
