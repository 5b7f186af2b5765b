import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import {
  createAggregateService,
  drainReactions,
  openParked,
  reactionCommandId,
  reactionStatus,
  retryParked,
  skipParked,
  startReactionWorkers,
  type Actor,
  type DomainDefinition,
  type EventRecord,
  type EventStore,
  type ReactionWorkerOptions,
} from "@fluvius/runtime";
import { shopDomain } from "../fixtures/shop-reactions.js";
import { freshTenant } from "../helpers/backends.js";
import type { SuiteContext } from "./context.js";

const clerk = (tenant: string): Actor => ({ id: "00000000-0000-4000-8000-00000000c1e4", tenant, roles: ["clerk"] });

/** A domain name no other test uses: reactions read every tenant, so tests stay apart by domain. */
const freshDomain = () => `shop${randomUUID().slice(0, 8)}`;

function shopOf(store: EventStore, domain: DomainDefinition) {
  const [order, stock] = domain.aggregates.map((a) => createAggregateService(store, a.definition, { policy: domain.policy }));
  if (!order || !stock) throw new Error("shop has two aggregates");
  return {
    async receive(tenant: string, quantity: number) {
      return (await stock.execute({ action: "receive", payload: { quantity }, actor: clerk(tenant) })).streamId;
    },
    async place(tenant: string, lines: { stockId: string; quantity: number }[]) {
      return (await order.execute({ action: "place", payload: { lines }, actor: clerk(tenant) })).streamId;
    },
    do: (tenant: string, action: string, streamId: string, payload: unknown = {}) => order.execute({ action, streamId, payload, actor: clerk(tenant) }),
    order: (tenant: string, id: string) => order.get(clerk(tenant), id),
    stock: (tenant: string, id: string) => stock.get(clerk(tenant), id),
    history: (tenant: string, id: string) => stock.history(clerk(tenant), id),
    orderHistory: (tenant: string, id: string) => order.history(clerk(tenant), id),
  };
}

const fast: Partial<ReactionWorkerOptions> = { retryDelayMs: 1, maxAttempts: 3 };

export function reactionTests(ctx: SuiteContext): void {
  it("order placed → one reservation per line; a shortage cancels the order; commands carry causation and correlation", async () => {
    const tenant = freshTenant();
    const domain = shopDomain(freshDomain());
    const shop = shopOf(ctx.backend.store, domain);
    const plenty = await shop.receive(tenant, 10);
    const scarce = await shop.receive(tenant, 1);
    const orderId = await shop.place(tenant, [
      { stockId: plenty, quantity: 3 },
      { stockId: scarce, quantity: 2 },
    ]);
    await drainReactions(ctx.backend.store, { domains: [domain], ...fast });

    expect(await shop.stock(tenant, plenty)).toMatchObject({ reserved: 3, _version: 2 });
    expect(await shop.stock(tenant, scarce)).toMatchObject({ reserved: 0, _version: 2 });
    expect(await shop.order(tenant, orderId)).toMatchObject({ status: "cancelled", cancelReason: "out-of-stock" });

    const placed = (await shop.orderHistory(tenant, orderId)).events[0] as EventRecord;
    const [, reserved] = (await shop.history(tenant, plenty)).events;
    expect(reserved).toMatchObject({
      actorId: `reaction:${domain.name}.reserve-stock`,
      causationId: placed.eventId,
      correlationId: placed.eventId,
      commandId: reactionCommandId(`${domain.name}.reserve-stock`, placed.eventId, 0),
    });
    const refused = (await shop.history(tenant, scarce)).events[1] as EventRecord;
    const cancelled = (await shop.orderHistory(tenant, orderId)).events[1];
    // The chain: placed → refused (caused by placed) → cancelled (caused by refused), one correlation id throughout.
    expect(cancelled).toMatchObject({ causationId: refused.eventId, correlationId: placed.eventId });
  });

  it("applies nothing twice when every event is delivered again (checkpoints lost, another replica, a crash before the checkpoint)", async () => {
    const tenant = freshTenant();
    const domain = shopDomain(freshDomain());
    const shop = shopOf(ctx.backend.store, domain);
    const stockId = await shop.receive(tenant, 100);
    const orders = [];
    for (let i = 0; i < 5; i++) orders.push(await shop.place(tenant, [{ stockId, quantity: 2 }]));
    await drainReactions(ctx.backend.store, { domains: [domain], ...fast });
    expect(await shop.stock(tenant, stockId)).toMatchObject({ reserved: 10, _version: 6 });

    for (const r of domain.reactions ?? []) await ctx.backend.store.resetCheckpoint(`reaction:${domain.name}.${r.name}`);
    await drainReactions(ctx.backend.store, { domains: [domain], ...fast });
    expect(await shop.stock(tenant, stockId)).toMatchObject({ reserved: 10, _version: 6 });
  });

  it("a timer fires once its time has come, unless a cancelling event came first; the target's `when` is checked again when it fires", async () => {
    const tenant = freshTenant();
    const domain = shopDomain(freshDomain());
    const shop = shopOf(ctx.backend.store, domain);
    const stockId = await shop.receive(tenant, 100);
    const forgotten = await shop.place(tenant, [{ stockId, quantity: 1 }]);
    const confirmed = await shop.place(tenant, [{ stockId, quantity: 1 }]);
    const shipped = await shop.place(tenant, [{ stockId, quantity: 1 }]);
    let clock = new Date();
    const options = { domains: [domain], ...fast, now: () => clock };
    await drainReactions(ctx.backend.store, options);
    const [expiry] = (await reactionStatus(ctx.backend.store, domain.reactions ?? [])).filter((s) => s.reaction.endsWith("expire-unconfirmed"));
    expect(expiry).toMatchObject({ waitingTimers: 3, lag: 0, parked: 0 });

    await shop.do(tenant, "confirm", confirmed);
    await shop.do(tenant, "confirm", shipped);
    clock = new Date(Date.now() + 29 * 60_000);
    await drainReactions(ctx.backend.store, options);
    expect(await shop.order(tenant, forgotten)).toMatchObject({ status: "placed" });

    clock = new Date(Date.now() + 31 * 60_000);
    await drainReactions(ctx.backend.store, options);
    expect(await shop.order(tenant, forgotten)).toMatchObject({ status: "cancelled", cancelReason: "not-confirmed" });
    expect(await shop.order(tenant, confirmed)).toMatchObject({ status: "confirmed", _version: 2 });
    const rows = await ctx.backend.db.query<{ status: string }>("SELECT status FROM fluvius.timers WHERE tenant = $1 AND reaction = $2 ORDER BY status", [
      tenant,
      `${domain.name}.expire-unconfirmed`,
    ]);
    expect(rows.map((r) => r.status)).toEqual(["cancelled", "cancelled", "fired"]);
    await drainReactions(ctx.backend.store, options);
    expect(await shop.order(tenant, forgotten)).toMatchObject({ _version: 2 });
  });

  it("a timer whose cancelling event is not of its list fires, and the target's `when` decides (skipped, not parked)", async () => {
    const tenant = freshTenant();
    const domain = shopDomain(freshDomain());
    const shop = shopOf(ctx.backend.store, domain);
    const stockId = await shop.receive(tenant, 100);
    const id = await shop.place(tenant, [{ stockId, quantity: 1 }]);
    let clock = new Date();
    const options = { domains: [domain], ...fast, now: () => clock };
    await drainReactions(ctx.backend.store, options);
    await shop.do(tenant, "confirm", id);
    await shop.do(tenant, "ship", id);
    // Shipped is not in cancelledBy, but a shipped order cannot be cancelled: the command is refused by `when`.
    await ctx.backend.db.query("UPDATE fluvius.timers SET stream_version = 99 WHERE tenant = $1", [tenant]);
    clock = new Date(Date.now() + 31 * 60_000);
    await drainReactions(ctx.backend.store, options);
    expect(await shop.order(tenant, id)).toMatchObject({ status: "shipped" });
    expect(await openParked(ctx.backend.db, `${domain.name}.expire-unconfirmed`)).toEqual([]);
  });

  it("a failing delivery is retried with backoff, then parked; `retry` runs it again with the same delivery id, `skip` gives up", async () => {
    const tenant = freshTenant();
    const calls: { deliveryId: string; eventId: string }[] = [];
    let failures = 4;
    const domain = shopDomain(freshDomain(), {
      shipped: async (event, context) => {
        calls.push({ deliveryId: context.deliveryId, eventId: event.eventId });
        if (failures-- > 0) throw new Error("receiver answered 500");
      },
    });
    const shop = shopOf(ctx.backend.store, domain);
    const stockId = await shop.receive(tenant, 100);
    const id = await shop.place(tenant, [{ stockId, quantity: 1 }]);
    await shop.do(tenant, "confirm", id);
    await shop.do(tenant, "ship", id);
    const parked: string[] = [];
    const options = { domains: [domain], ...fast, onParked: (p: { id: string }) => void parked.push(p.id) };
    await drainReactions(ctx.backend.store, options);
    expect(calls).toHaveLength(3);
    const [delivery] = await openParked(ctx.backend.db, `${domain.name}.notify-shipped`);
    expect(delivery).toMatchObject({ status: "parked", attempts: 3, tenant, error: { code: "reaction-failed", message: "receiver answered 500" } });
    expect(parked).toEqual([delivery?.id]);
    const [status] = (await reactionStatus(ctx.backend.store, domain.reactions ?? [])).filter((s) => s.reaction.endsWith("notify-shipped"));
    expect(status).toMatchObject({ parked: 1, lag: 0 });

    // Nothing happens to it until someone says so.
    await drainReactions(ctx.backend.store, options);
    expect(calls).toHaveLength(3);
    expect(await retryParked(ctx.backend.db, delivery?.id ?? "")).toMatchObject({ ok: true });
    await drainReactions(ctx.backend.store, options);
    // One more failure (attempt 4), then it goes through (attempt 5), with the same delivery id every time.
    expect(calls).toHaveLength(5);
    expect(new Set(calls.map((c) => c.deliveryId)).size).toBe(1);
    expect(await openParked(ctx.backend.db, `${domain.name}.notify-shipped`)).toEqual([]);
    expect(await retryParked(ctx.backend.db, delivery?.id ?? "")).toMatchObject({ ok: false, reason: "not-open" });
    expect(await skipParked(ctx.backend.db, randomUUID())).toMatchObject({ ok: false, reason: "not-found" });
  });

  it("a target stream that does not exist yet is retried (another reaction may be about to create it), parked only when it never appears", async () => {
    const tenant = freshTenant();
    const domain = shopDomain(freshDomain());
    const shop = shopOf(ctx.backend.store, domain);
    const never = randomUUID();
    await shop.place(tenant, [{ stockId: never, quantity: 1 }]);
    await drainReactions(ctx.backend.store, { domains: [domain], ...fast, missingTargetAttempts: 4 });
    const parked = await openParked(ctx.backend.db, `${domain.name}.reserve-stock`);
    expect(parked.map((p) => [p.attempts, p.error.code])).toEqual([[4, "not-found"]]);

    // The stream appears while the delivery waits between attempts: the retry succeeds.
    const late = randomUUID();
    await shop.place(tenant, [{ stockId: late, quantity: 2 }]);
    const stockMeta = domain.aggregates.find((a) => a.definition.aggregate === "stock");
    if (!stockMeta) throw new Error("shop has a stock aggregate");
    const stockService = createAggregateService(ctx.backend.store, stockMeta.definition, { policy: domain.policy });
    const draining = drainReactions(ctx.backend.store, { domains: [domain], retryDelayMs: 150, maxAttempts: 4 });
    await new Promise((r) => setTimeout(r, 100));
    await stockService.execute({ action: "receive", streamId: late, payload: { quantity: 5 }, actor: clerk(tenant) });
    await draining;
    expect(await shop.stock(tenant, late)).toMatchObject({ reserved: 2 });
    expect(await openParked(ctx.backend.db, `${domain.name}.reserve-stock`)).toHaveLength(1);
  });

  it("deny by default: a reaction without a policy rule is parked as forbidden at once, and the order goes on", async () => {
    const tenant = freshTenant();
    const domain = shopDomain(freshDomain(), { withoutRuleFor: "reserve-stock" });
    const shop = shopOf(ctx.backend.store, domain);
    const stockId = await shop.receive(tenant, 100);
    await shop.place(tenant, [{ stockId, quantity: 1 }]);
    await shop.place(tenant, [{ stockId, quantity: 1 }]);
    await drainReactions(ctx.backend.store, { domains: [domain], ...fast });
    const parked = await openParked(ctx.backend.db, `${domain.name}.reserve-stock`);
    expect(parked.map((p) => [p.attempts, p.error.code])).toEqual([
      [1, "forbidden"],
      [1, "forbidden"],
    ]);
    expect(await skipParked(ctx.backend.db, parked[0]?.id ?? "")).toMatchObject({ ok: true, delivery: { status: "skipped" } });
    expect(await openParked(ctx.backend.db, `${domain.name}.reserve-stock`)).toHaveLength(1);
    expect(await shop.stock(tenant, stockId)).toMatchObject({ reserved: 0 });
  });

  it("two replicas running the workers: every reaction's command is applied once", async () => {
    const tenant = freshTenant();
    const domain = shopDomain(freshDomain());
    const shop = shopOf(ctx.backend.store, domain);
    const stockId = await shop.receive(tenant, 1000);
    const options = { domains: [domain], pollIntervalMs: 5, leaseMs: 2000, ...fast };
    const replicas = [
      startReactionWorkers(ctx.backend.store, { ...options, holder: "replica-a" }),
      startReactionWorkers(ctx.backend.store, { ...options, holder: "replica-b" }),
    ];
    try {
      for (let i = 0; i < 20; i++) await shop.place(tenant, [{ stockId, quantity: 1 }]);
      for (let i = 0; i < 500 && (await shop.stock(tenant, stockId)).reserved < 20; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
    expect(await shop.stock(tenant, stockId)).toMatchObject({ reserved: 20, _version: 21 });
  });
}
