import { beforeAll, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createAggregateService, unrestrictedPolicy, type Actor, type AnyAggregateDefinition, naturalKeyId, type FluviusError } from "@fluvius/runtime";

import { dispatch, type AnyService } from "@fluvius/runtime/internal/runtime/reactions/dispatch";
import type { EventRecord } from "@fluvius/runtime/internal/runtime/store/types";
import { catalogPolicy, catalogReactions, catalogTablesSql, customerAggregate, orderAggregate, productAggregate } from "../fixtures/catalog.js";
import { freshTenant } from "../helpers/backends.js";
import { rejection } from "../helpers/rejection.js";
import type { SuiteContext } from "./context.js";

const clerk = (tenant: string): Actor => ({ id: "clerk-1", tenant, roles: ["clerk"] });

/** The tests pass payloads through; the golden definitions type them, the assertions check them. */
type Service = AnyService;

/** Unique fields and sets, natural keys and checked refs (DESIGN §7, issue 13 points 4, 5, 7). */
export function uniqueTests(ctx: SuiteContext): void {
  const service = (definition: AnyAggregateDefinition): Service => createAggregateService(ctx.backend.store, definition, { policy: catalogPolicy }) as Service;
  let customers: Service;
  let products: Service;
  let orders: Service;
  const register = (tenant: string, email: string, taxId: string = randomUUID()) =>
    customers.execute({ action: "register", payload: { email, country: "NL", taxId }, actor: clerk(tenant) });
  const count = async (table: string, tenant: string) =>
    Number((await ctx.backend.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.${table} WHERE _tenant = $1`, [tenant]))[0]?.n);
  const events = async (tenant: string) =>
    Number((await ctx.backend.db.query<{ n: number }>("SELECT count(*)::int AS n FROM fluvius.events WHERE tenant = $1", [tenant]))[0]?.n);

  beforeAll(async () => {
    await ctx.backend.db.exec(await catalogTablesSql());
    customers = service(customerAggregate);
    products = service(productAggregate);
    orders = service(orderAggregate);
  });

  it("refuses a second stream with a unique value: 409 unique-violation naming the field and the holder, nothing appended", async () => {
    const tenant = freshTenant();
    const first = await register(tenant, "ann@example.com");
    const error = await rejection<FluviusError>(register(tenant, "ann@example.com"));
    expect(error).toMatchObject({ code: "unique-violation", status: 409 });
    expect(error.details).toEqual({ fields: ["email"], values: { email: "ann@example.com" }, existingId: first.streamId });
    expect(await events(tenant)).toBe(1);
    expect(await count("customer", tenant)).toBe(1);
  });

  it("keeps unique values per tenant: another tenant may hold the same one", async () => {
    const value = `bob-${randomUUID()}@example.com`;
    await register(freshTenant(), value);
    await expect(register(freshTenant(), value)).resolves.toMatchObject({ version: 1 });
  });

  it("enforces a unique set as a whole: the same (country, taxId) is refused, the same taxId elsewhere is not", async () => {
    const tenant = freshTenant();
    const first = await register(tenant, "a@example.com", "TAX-1");
    const error = await rejection<FluviusError>(register(tenant, "b@example.com", "TAX-1"));
    expect(error).toMatchObject({
      code: "unique-violation",
      details: { fields: ["country", "taxId"], values: { country: "NL", taxId: "TAX-1" }, existingId: first.streamId },
    });
    await expect(
      customers.execute({ action: "register", payload: { email: "c@example.com", country: "BE", taxId: "TAX-1" }, actor: clerk(tenant) }),
    ).resolves.toBeDefined();
  });

  it("checks a change of a unique value too, and frees the old value", async () => {
    const tenant = freshTenant();
    const ann = await register(tenant, "ann@example.com");
    const bob = await register(tenant, "bob@example.com");
    const error = await rejection<FluviusError>(
      customers.execute({ action: "change-email", streamId: bob.streamId, payload: { email: "ann@example.com" }, actor: clerk(tenant) }),
    );
    expect(error).toMatchObject({ code: "unique-violation", details: { existingId: ann.streamId } });
    expect(await customers.get(clerk(tenant), bob.streamId)).toMatchObject({ email: "bob@example.com" });
    await customers.execute({ action: "change-email", streamId: ann.streamId, payload: { email: "anna@example.com" }, actor: clerk(tenant) });
    await expect(
      customers.execute({ action: "change-email", streamId: bob.streamId, payload: { email: "ann@example.com" }, actor: clerk(tenant) }),
    ).resolves.toMatchObject({ version: 2 });
  });

  it("lets exactly one of 32 concurrent commands take a unique value; the other 31 get 409 unique-violation naming it", async () => {
    const tenant = freshTenant();
    // One service per command: 32 processes, none knowing what the others wrote.
    const racers = Array.from({ length: 32 }, () => service(customerAggregate));
    const outcomes = await Promise.allSettled(
      racers.map((s) => s.execute({ action: "register", payload: { email: "race@example.com", country: "NL", taxId: randomUUID() }, actor: clerk(tenant) })),
    );
    const won = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value.streamId] : []));
    const lost = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as FluviusError] : []));
    expect(won).toHaveLength(1);
    expect(lost.map((e) => [e.code, e.status, e.details["existingId"]])).toEqual(Array.from({ length: 31 }, () => ["unique-violation", 409, won[0]]));
    expect(await count("customer", tenant)).toBe(1);
    expect(await events(tenant)).toBe(1);
  });

  it("derives a natural key's stream id (UUID v5 of domain, aggregate, value); a second create is stream-exists", async () => {
    const tenant = freshTenant();
    const added = await products.execute({ action: "add", payload: { sku: "SKU-1", name: "Mug", price: "4.50" }, actor: clerk(tenant) });
    expect(added.streamId).toBe(naturalKeyId("catalog", "product", "SKU-1"));
    const again = await rejection<FluviusError>(
      products.execute({ action: "add", payload: { sku: "SKU-1", name: "Cup", price: "1.00" }, actor: clerk(tenant) }),
    );
    expect(again).toMatchObject({ code: "stream-exists", status: 409, details: { streamId: added.streamId } });
    // Another tenant's SKU-1 is its own stream (same id, other tenant).
    await expect(
      products.execute({ action: "add", payload: { sku: "SKU-1", name: "Mug", price: "4.50" }, actor: clerk(freshTenant()) }),
    ).resolves.toMatchObject({ streamId: added.streamId });
  });

  it("refuses an explicit id that is not the natural key's (400)", async () => {
    const error = await rejection<FluviusError>(
      products.execute({ action: "add", streamId: randomUUID(), payload: { sku: "SKU-2", name: "Mug", price: "1.00" }, actor: clerk(freshTenant()) }),
    );
    expect(error).toMatchObject({ code: "invalid-argument", status: 400 });
  });

  it("finds a stream by its natural key or a unique field, only in the caller's tenant", async () => {
    const tenant = freshTenant();
    const product = await products.execute({ action: "add", payload: { sku: "SKU-9", name: "Mug", price: "4.50" }, actor: clerk(tenant) });
    const ann = await register(tenant, "ann@example.com");
    expect(await products.getBy(clerk(tenant), "sku", "SKU-9")).toMatchObject({ _id: product.streamId, name: "Mug" });
    expect(await customers.getBy(clerk(tenant), "email", "ann@example.com")).toMatchObject({ _id: ann.streamId });
    await expect(products.getBy(clerk(freshTenant()), "sku", "SKU-9")).rejects.toMatchObject({ code: "not-found", status: 404 });
    await expect(customers.getBy(clerk(freshTenant()), "email", "ann@example.com")).rejects.toMatchObject({ code: "not-found" });
    await expect(customers.getBy(clerk(tenant), "country", "NL")).rejects.toMatchObject({ code: "invalid-argument", status: 400 });
  });

  it("refuses a checked ref to a stream the tenant does not have: 422 reference-not-found naming the field and the id", async () => {
    const tenant = freshTenant();
    const ann = await register(tenant, "ann@example.com");
    const mug = await products.execute({ action: "add", payload: { sku: "MUG", name: "Mug", price: "4.50" }, actor: clerk(tenant) });
    const nobody = randomUUID();
    const missingCustomer = await rejection<FluviusError>(
      orders.execute({ action: "place", payload: { customerId: nobody, productIds: [mug.streamId] }, actor: clerk(tenant) }),
    );
    expect(missingCustomer).toMatchObject({ code: "reference-not-found", status: 422, details: { field: "customerId", aggregate: "customer", id: nobody } });
    const missingProduct = await rejection<FluviusError>(
      orders.execute({ action: "place", payload: { customerId: ann.streamId, productIds: [mug.streamId, nobody] }, actor: clerk(tenant) }),
    );
    expect(missingProduct).toMatchObject({ code: "reference-not-found", details: { field: "productIds.1", aggregate: "product", id: nobody } });
    // Another tenant's customer does not exist here.
    const other = await register(freshTenant(), "ann@example.com");
    await expect(orders.execute({ action: "place", payload: { customerId: other.streamId, productIds: [] }, actor: clerk(tenant) })).rejects.toMatchObject({
      code: "reference-not-found",
    });
    // A customer id is no product, even in the same tenant.
    await expect(
      orders.execute({ action: "place", payload: { customerId: ann.streamId, productIds: [ann.streamId] }, actor: clerk(tenant) }),
    ).rejects.toMatchObject({
      details: { field: "productIds.0", aggregate: "product" },
    });
    expect(await count("order", tenant)).toBe(0);
    await expect(
      orders.execute({ action: "place", payload: { customerId: ann.streamId, productIds: [mug.streamId] }, actor: clerk(tenant) }),
    ).resolves.toMatchObject({ version: 1 });
  });

  it("lets a reaction create a natural-key stream: the key decides the id, a redelivery applies nothing twice", async () => {
    const tenant = freshTenant();
    const unrestricted = createAggregateService(ctx.backend.store, productAggregate as AnyAggregateDefinition, { policy: unrestrictedPolicy });
    const env = { services: new Map([["catalog.product", unrestricted]]), readers: new Map(), delivers: {} };
    const reaction = {
      domain: "catalog",
      name: "stock-new-sku",
      on: { streamType: "catalog.order", eventType: "order-placed" },
      effect: {
        kind: "commands" as const,
        commands: (record: EventRecord) => [{ aggregate: "product", action: "add", payload: record.event.data as Record<string, unknown> }],
      },
    };
    const event = (sku: string): EventRecord => ({
      tenant,
      streamType: "catalog.order",
      streamId: randomUUID(),
      version: 1,
      eventId: randomUUID(),
      recordedAt: new Date().toISOString(),
      actorId: null,
      commandId: null,
      correlationId: null,
      causationId: null,
      metadata: {},
      transactionId: 1n,
      position: 1n,
      event: { type: "order-placed", version: 1, data: { sku, name: "Mug", price: "4.50" } },
      storedSchemaVersion: 1,
    });
    const first = event("SKU-R");
    await expect(dispatch(reaction, first, env)).resolves.toEqual({ applied: 1, skipped: 0 });
    await expect(dispatch(reaction, first, env)).resolves.toEqual({ applied: 1, skipped: 0 });
    expect(await products.get(clerk(tenant), naturalKeyId("catalog", "product", "SKU-R"))).toMatchObject({ sku: "SKU-R", _version: 1 });
    await expect(dispatch(reaction, event("SKU-R"), env)).rejects.toMatchObject({ code: "stream-exists" });
  });

  it("lets a reaction name its target by natural key (`key: $event.data.sku`); an unknown key is not-found", async () => {
    const tenant = freshTenant();
    await products.execute({ action: "add", payload: { sku: "SKU-K", name: "Mug", price: "4.50" }, actor: clerk(tenant) });
    const countSale = catalogReactions.find((r) => r.name === "count-sale");
    if (!countSale) throw new Error("the catalog fixture has no count-sale reaction");
    const unrestricted = createAggregateService(ctx.backend.store, productAggregate as AnyAggregateDefinition, { policy: unrestrictedPolicy });
    const env = { services: new Map([["catalog.product", unrestricted]]), readers: new Map(), delivers: {} };
    const sale = (sku: string, quantity: number): EventRecord => ({
      tenant,
      streamType: "catalog.sale",
      streamId: randomUUID(),
      version: 1,
      eventId: randomUUID(),
      recordedAt: new Date().toISOString(),
      actorId: null,
      commandId: null,
      correlationId: null,
      causationId: null,
      metadata: {},
      transactionId: 1n,
      position: 1n,
      event: { type: "sale-recorded", version: 1, data: { sku, quantity } },
      storedSchemaVersion: 1,
    });
    await dispatch(countSale, sale("SKU-K", 2), env);
    await dispatch(countSale, sale("SKU-K", 3), env);
    expect(await products.getBy(clerk(tenant), "sku", "SKU-K")).toMatchObject({ sold: 5, _version: 3 });
    await expect(dispatch(countSale, sale("NO-SUCH-SKU", 1), env)).rejects.toMatchObject({ code: "not-found" });
  });
}
