import { expect } from "vitest";
import { reactionDeliveryId, type Database } from "@fluvius/runtime";
import type { WebhookReceiver } from "../helpers/webhook-receiver.js";

/**
 * The shop flow the crash and replica tests drive through `fluvius serve` on PostgreSQL:
 * orders reserve stock per line (a reaction per line), an unconfirmed order is cancelled by a
 * 3 s timer, a shipped order is sent to a webhook that fails its first try.
 */

export const SHOP_SPEC = `domain: shop
types:
  OrderLine: { fields: { stockId: uuid, quantity: { type: integer, minimum: 1 } } }
aggregates:
  order:
    state:
      lines: { type: "OrderLine[]", default: [] }
      status: { enum: [placed, confirmed, cancelled, shipped], default: placed }
      cancelReason: string?
    actions:
      place: { creates: true, payload: { lines: "OrderLine[]" }, emits: order-placed }
      confirm: { when: { status: placed }, emits: order-confirmed }
      cancel: { payload: { reason: string }, when: { status: [placed, confirmed] }, emits: order-cancelled }
      ship: { payload: { trackingNumber: string }, when: { status: confirmed }, emits: order-shipped }
    events:
      order-placed: { payload: { lines: "OrderLine[]" }, apply: { set: { lines: $payload.lines } } }
      order-confirmed: { apply: { set: { status: confirmed } } }
      order-cancelled: { payload: { reason: string }, apply: { set: { status: cancelled, cancelReason: $payload.reason } } }
      order-shipped: { public: true, payload: { trackingNumber: string }, apply: { set: { status: shipped } } }
  stock:
    state:
      onHand: { type: integer, default: 0 }
      reserved: { type: integer, default: 0 }
    actions:
      receive: { creates: true, payload: { quantity: integer }, emits: stock-received }
      reserve: { payload: { orderId: uuid, quantity: integer }, emits: stock-reserved }
    events:
      stock-received: { payload: { quantity: integer }, apply: { add: { onHand: $payload.quantity } } }
      stock-reserved: { payload: { orderId: uuid, quantity: integer }, apply: { add: { reserved: $payload.quantity } } }
reactions:
  reserve-stock:
    on: order.order-placed
    forEach: $event.data.lines
    do: stock:reserve
    id: $item.stockId
    payload: { orderId: $event.streamId, quantity: $item.quantity }
  expire-unconfirmed:
    on: order.order-placed
    after: 3s
    cancelledBy: [order-confirmed, order-cancelled]
    do: order:cancel
    id: $event.streamId
    payload: { reason: not-confirmed }
  notify-shipped:
    on: order.order-shipped
    notify: shipping-webhook
policies:
  roles: { clerk: {} }
  rules:
    - { role: clerk, allow: ["order:*", "stock:*"] }
    - { reaction: reserve-stock, allow: [stock:reserve] }
    - { reaction: expire-unconfirmed, allow: [order:cancel] }
`;

export const SHOP_CONFIG = `integrations:
  shipping-webhook: { webhook: { url: $env.SHIP_HOOK_URL, secretEnv: SHIP_HOOK_SECRET, timeout: 2s } }
`;

export const HOOK_SECRET = "crash-test-secret";

export interface Acknowledged {
  readonly orders: string[];
  readonly confirmed: string[];
  readonly shipped: string[];
}

/** Places orders (every third one confirmed and shipped) until `stop()` or the server dies; records what was acknowledged. */
export function drive(url: string, token: string, stocks: readonly string[], acked: Acknowledged) {
  let stopped = false;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}/api/${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { data: Record<string, { _id: string }> };
  };
  const run = (async () => {
    for (let n = 0; !stopped; n++) {
      try {
        const placed = await post("shop:place/order/:new", { lines: stocks.map((stockId, i) => ({ stockId, quantity: i + 1 })) });
        const id = placed.data.order?._id ?? "";
        acked.orders.push(id);
        if (n % 3 === 0) {
          await post(`shop:confirm/order/${id}`, {});
          acked.confirmed.push(id);
          await post(`shop:ship/order/${id}`, { trackingNumber: `T-${n}` });
          acked.shipped.push(id);
        }
      } catch (error) {
        if (error instanceof TypeError) return; // the server is gone (fetch failed): stop driving
        throw error;
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await run;
    },
    done: run,
  };
}

/** Receives two stocks with plenty on hand; returns their ids. */
export async function receiveStocks(url: string, token: string): Promise<string[]> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const stocks: string[] = [];
  for (let i = 0; i < 2; i++) {
    const response = await fetch(`${url}/api/shop:receive/stock/:new`, { method: "POST", headers, body: JSON.stringify({ quantity: 1_000_000 }) });
    stocks.push(((await response.json()) as { data: { stock: { _id: string } } }).data.stock._id);
  }
  return stocks;
}

/**
 * Waits until every reaction has caught up, then proves from the database: no acknowledged
 * order lost, each line reserved exactly once, each unconfirmed order cancelled once by its
 * timer (no confirmed one), each shipped order's webhook received at least once with one body.
 */
export async function expectEveryReactionOnce(db: Database, hook: WebhookReceiver, acked: Acknowledged, output: () => string): Promise<void> {
  // What the database holds is the truth: orders committed but not acknowledged count too.
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params))[0]?.n ?? 0);
  const placedSql = "SELECT count(*) AS n FROM fluvius.events WHERE stream_type = 'shop.order' AND event_type = 'order-placed'";
  const settled = async () => {
    const placed = await count(placedSql);
    const reserved = await count("SELECT count(*) AS n FROM fluvius.events WHERE stream_type = 'shop.stock' AND event_type = 'stock-reserved'");
    const waiting = await count("SELECT count(*) AS n FROM fluvius.timers WHERE status = 'waiting'");
    const timers = await count("SELECT count(*) AS n FROM fluvius.timers");
    const shipped = await count("SELECT count(*) AS n FROM fluvius.events WHERE event_type = 'order-shipped'");
    const delivered = new Set(hook.deliveries.filter((d) => d.answered === 204).map((d) => d.deliveryId)).size;
    return reserved === placed * 2 && timers === placed && waiting === 0 && delivered === shipped;
  };
  for (let i = 0; i < 600 && !(await settled()); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await settled(), output()).toBe(true);

  // No acknowledged command lost.
  const orderIds = new Set(
    (await db.query<{ id: string }>("SELECT stream_id::text AS id FROM fluvius.streams WHERE stream_type = 'shop.order'")).map((r) => r.id),
  );
  for (const id of acked.orders) expect(orderIds.has(id)).toBe(true);

  // Each order line reserved exactly once; the stocks' states agree with their events.
  const perLine = await db.query<{ order_id: string; stream_id: string; n: string }>(
    `SELECT data->>'orderId' AS order_id, stream_id::text AS stream_id, count(*) AS n FROM fluvius.events
      WHERE stream_type = 'shop.stock' AND event_type = 'stock-reserved' GROUP BY 1, 2`,
  );
  expect(perLine.length).toBe(orderIds.size * 2);
  expect(perLine.filter((r) => Number(r.n) !== 1)).toEqual([]);
  const placed = await count(placedSql);
  const reservedStock = await db.query<{ reserved: string }>('SELECT reserved::text AS reserved FROM "shop"."stock"');
  expect(reservedStock.map((r) => Number(r.reserved)).sort((a, b) => a - b)).toEqual([placed, placed * 2]);

  // Timers: one per order, none lost; every unconfirmed order cancelled once, no confirmed one.
  const cancels = await db.query<{ id: string; n: string; reason: string }>(
    `SELECT stream_id::text AS id, count(*) AS n, min(data->>'reason') AS reason FROM fluvius.events WHERE event_type = 'order-cancelled' GROUP BY 1`,
  );
  const confirmed = new Set(
    (await db.query<{ id: string }>("SELECT stream_id::text AS id FROM fluvius.events WHERE event_type = 'order-confirmed'")).map((r) => r.id),
  );
  expect(cancels.filter((c) => Number(c.n) !== 1)).toEqual([]);
  expect(cancels.filter((c) => confirmed.has(c.id))).toEqual([]);
  expect(cancels.length).toBe(orderIds.size - confirmed.size);
  expect(new Set(cancels.map((c) => c.reason))).toEqual(new Set(["not-confirmed"]));

  // Webhooks: each shipped order's delivery received at least once, signed, and the same body every time.
  const shippedEvents = await db.query<{ event_id: string }>("SELECT event_id::text AS event_id FROM fluvius.events WHERE event_type = 'order-shipped'");
  for (const { event_id } of shippedEvents) {
    const copies = hook.deliveries.filter((d) => d.deliveryId === reactionDeliveryId("shop.notify-shipped", event_id));
    expect(copies.length).toBeGreaterThanOrEqual(2); // the receiver fails the first one
    expect(copies.every((c) => c.signed)).toBe(true);
    expect(new Set(copies.map((c) => c.body)).size).toBe(1);
  }
  expect(await count("SELECT count(*) AS n FROM fluvius.parked")).toBe(0);
  expect(await count("SELECT count(*) AS n FROM fluvius.commands")).toBeGreaterThan(0);
}
