/** A small shop domain for the integration tests: public and internal events, one with an upcaster. */
import { randomUUID } from "node:crypto";
import { defineAggregate, defineDomain, unrestrictedPolicy, type EventStore, type NewEvent } from "@fluvius/runtime";

type OrderEvent =
  | { type: "order-placed"; version: 1; data: { customerId: string } }
  | { type: "order-confirmed"; version: 1; data: Record<string, never> }
  | { type: "order-shipped"; version: 2; data: { trackingNumber: string; carrier: string } };

export const order = defineAggregate<{ status: string }, OrderEvent, Record<string, never>>({
  domain: "shop",
  aggregate: "order",
  specHash: "test",
  initialState: () => ({ status: "new" }),
  evolve: (state) => state,
  events: {
    "order-placed": { version: 1, public: true },
    "order-confirmed": { version: 1 },
    "order-shipped": {
      version: 2,
      public: true,
      upcasters: { 1: (data: { tracking: string }) => ({ trackingNumber: data.tracking, carrier: "unknown" }) },
    },
  },
  actions: {},
});

type StockEvent = { type: "stock-received"; version: 1; data: { sku: string } };

export const stock = defineAggregate<object, StockEvent, Record<string, never>>({
  domain: "shop",
  aggregate: "stock",
  specHash: "test",
  initialState: () => ({}),
  evolve: (state) => state,
  events: { "stock-received": { version: 1, public: false } },
  actions: {},
});

export const shopDomain = defineDomain({
  name: "shop",
  revision: 1,
  policy: unrestrictedPolicy,
  aggregates: [
    { definition: order, title: "Order", fields: [], actions: {} },
    { definition: stock, title: "Stock", fields: [], actions: {} },
  ],
});

export interface Appended {
  readonly eventId: string;
  readonly tenant: string;
  readonly streamType: string;
  readonly type: string;
  readonly public: boolean;
}

/**
 * For each of `orders` orders in each tenant: placed (public), confirmed (internal), shipped
 * (public, stored at schema version 1), and a stock-received (internal). One transaction per
 * event, so commit order is the order of the returned list.
 */
export async function recordShopEvents(store: EventStore, tenants: readonly string[], orders: number): Promise<Appended[]> {
  const out: Appended[] = [];
  const append = async (tenant: string, streamType: string, streamId: string, event: NewEvent, isPublic: boolean) => {
    const result = await store.forTenant(tenant).append(streamType, streamId, [event], { expected: "any", correlationId: randomUUID() });
    const [appended] = result.events;
    out.push({ eventId: appended?.eventId ?? "", tenant, streamType, type: event.type, public: isPublic });
  };
  for (let i = 0; i < orders; i++) {
    for (const tenant of tenants) {
      const id = randomUUID();
      await append(tenant, "shop.order", id, { type: "order-placed", schemaVersion: 1, data: { customerId: randomUUID() } }, true);
      await append(tenant, "shop.order", id, { type: "order-confirmed", schemaVersion: 1, data: {} }, false);
      await append(tenant, "shop.stock", randomUUID(), { type: "stock-received", schemaVersion: 1, data: { sku: `sku-${i}` } }, false);
      await append(tenant, "shop.order", id, { type: "order-shipped", schemaVersion: 1, data: { tracking: `TRK-${i}` } }, true);
    }
  }
  return out;
}
