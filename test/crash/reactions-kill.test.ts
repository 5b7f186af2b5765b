import type { ChildProcess } from "node:child_process";
import { afterEach, expect, test } from "vitest";
import { pgDatabase, reactionDeliveryId } from "../../src/runtime/index.js";
import { runCli } from "../helpers/cli.js";
import { createDatabase } from "../helpers/postgres.js";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { exited, startServe, type RunningServe } from "../helpers/serve.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";

/**
 * kill -9 of `fluvius serve` in the middle of a flow of reactions, then a restart: every
 * reaction's command applied exactly once, no timer lost, every webhook delivery received at
 * least once with the same body, and no acknowledged command lost.
 */

const SPEC = `domain: shop
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

const CONFIG = `integrations:
  shipping-webhook: { webhook: { url: $env.SHIP_HOOK_URL, secretEnv: SHIP_HOOK_SECRET, timeout: 2s } }
`;

const SECRET = "crash-test-secret";

const running: ChildProcess[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
  for (const receiver of receivers.splice(0)) await receiver.close();
});

interface Acknowledged {
  readonly orders: string[];
  readonly confirmed: string[];
  readonly shipped: string[];
}

/** Places orders (every third one confirmed and shipped) until `stop()` or the server dies; records what was acknowledged. */
function drive(url: string, token: string, stocks: readonly string[], acked: Acknowledged) {
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

test("kill -9 of serve mid-flow, restart: reactions applied exactly once, no timer lost, webhooks at least once with identical payloads", async () => {
  const hook = await startWebhookReceiver(SECRET);
  receivers.push(hook);
  const database = await createDatabase("fluvius_crash_reactions");
  const db = pgDatabase({ connectionString: database.url, max: 2 });
  try {
    const project = buildProjectFromSpecs("reactions-crash", { "shop.yaml": SPEC }, undefined, { "fluvius.yaml": CONFIG });
    const env = { SHIP_HOOK_URL: hook.url, SHIP_HOOK_SECRET: SECRET };
    const args = ["--database-url", database.url];
    const token = runCli(["token", "--sub", "clerk-1", "--tenant", "acme", "--role", "clerk"], { cwd: project.dir }).stdout.trim();
    const first: RunningServe = await startServe(project.dir, ["--migrate", ...args], env, running);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const stocks: string[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${first.url}/api/shop:receive/stock/:new`, { method: "POST", headers, body: JSON.stringify({ quantity: 1_000_000 }) });
      stocks.push(((await response.json()) as { data: { stock: { _id: string } } }).data.stock._id);
    }

    const acked: Acknowledged = { orders: [], confirmed: [], shipped: [] };
    const before = drive(first.url, token, stocks, acked);
    // Kill it while orders flow and its workers react to them.
    for (let i = 0; i < 600 && acked.orders.length < 40; i++) await new Promise((r) => setTimeout(r, 25));
    first.child.kill("SIGKILL");
    await exited(first.child);
    await before.done;
    const killedAt = acked.orders.length;
    expect(killedAt).toBeGreaterThanOrEqual(40);

    const second = await startServe(project.dir, args, env, running);
    const after = drive(second.url, token, stocks, acked);
    for (let i = 0; i < 600 && acked.orders.length < killedAt + 30; i++) await new Promise((r) => setTimeout(r, 25));
    await after.stop();

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
    expect(await settled(), second.output()).toBe(true);

    // No acknowledged command lost.
    const orderIds = new Set((await db.query<{ id: string }>("SELECT stream_id::text AS id FROM fluvius.streams WHERE stream_type = 'shop.order'")).map((r) => r.id));
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
    const confirmed = new Set((await db.query<{ id: string }>("SELECT stream_id::text AS id FROM fluvius.events WHERE event_type = 'order-confirmed'")).map((r) => r.id));
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

    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  } finally {
    await db.close();
    await database.drop();
  }
}, 300_000);
