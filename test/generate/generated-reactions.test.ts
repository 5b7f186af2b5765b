/**
 * The generated reactions are what the runtime runs: the golden shop tree's definitions
 * (generated code plus its fresh, unedited reactor stubs) turn sample events into commands.
 */
import { describe, expect, test } from "vitest";
import { HandlerNotImplementedError, type AnyReactionDefinition, type EventRecord, type ReactionContext, type ReactionCommand } from "@fluvius/runtime";
import { reactions as billingReactions } from "../../fixtures/valid/shop/expected/generated/billing/index.js";
import {
  orderAggregate,
  reactions as shopReactions,
  domain as shopDomain,
  rules as shopRules,
} from "../../fixtures/valid/shop/expected/generated/shop/index.js";
import type { ShopCommand, ShopEvent } from "../../fixtures/valid/shop/expected/generated/shop/index.js";
import type { OrderPlacedEvent } from "../../fixtures/valid/shop/expected/generated/shop/order.js";

const orderId = "3f0c8d2e-6b1a-4c59-9e7d-2a4b6c8d0e1f";
const customerId = "5b0f6a8e-3a57-4d1c-9c65-0d2b7e4a1f00";
const lines = [
  { stockId: "0d9a5b1c-2e3f-4a6b-8c7d-9e0f1a2b3c4d", sku: "SKU-A", quantity: 2, unitPrice: "1.50" },
  { stockId: "7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928", sku: "SKU-B", quantity: 1, unitPrice: "4.00" },
];

function record<E extends { readonly type: string; readonly version: number; readonly data: unknown }>(
  streamType: string,
  streamId: string,
  event: E,
): EventRecord<E> {
  return {
    tenant: "acme",
    streamType,
    streamId,
    version: 1,
    eventId: "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
    recordedAt: "2026-01-05T10:00:00.000Z",
    actorId: customerId,
    commandId: null,
    correlationId: null,
    causationId: null,
    metadata: {},
    transactionId: 1n,
    position: 1n,
    event,
    storedSchemaVersion: event.version,
  };
}

const placed = record<OrderPlacedEvent>("shop.order", orderId, { type: "order-placed", version: 1, data: { customerId, lines, total: "7.00" } });

const context: ReactionContext = {
  tenant: "acme",
  derivedId: (index) => `derived-${index}`,
  get: async () => undefined,
};

function named(list: readonly AnyReactionDefinition[], name: string): AnyReactionDefinition {
  const found = list.find((r) => r.name === name);
  if (!found) throw new Error(`no reaction ${name} among ${list.map((r) => r.name).join(", ")}`);
  return found;
}

async function commandsOf(definition: AnyReactionDefinition, event: EventRecord): Promise<readonly ReactionCommand[]> {
  if (definition.effect.kind !== "commands") throw new Error(`${definition.name} issues no commands`);
  return definition.effect.commands(event, context);
}

describe("generated shop reactions", () => {
  test("the domain carries its reactions, each named and listening to `<domain>.<aggregate>` streams", () => {
    expect(shopDomain.reactions).toBe(shopReactions);
    expect(shopReactions.map((r) => [r.domain, r.name, r.on.streamType, r.on.eventType])).toEqual([
      ["shop", "reserve-stock", "shop.order", "order-placed"],
      ["shop", "cancel-on-shortage", "shop.stock", "reservation-refused"],
      ["shop", "expire-unconfirmed", "shop.order", "order-placed"],
      ["shop", "large-order-review", "shop.order", "order-placed"],
      ["shop", "bill-order", "shop.order", "order-placed"],
      ["shop", "notify-shipped", "shop.order", "order-shipped"],
    ]);
  });

  test("reserve-stock issues one stock:reserve per order line, to the line's stock, for the order", async () => {
    const reserve = named(shopReactions, "reserve-stock");
    expect(reserve.when).toBeUndefined();
    expect(reserve.delay).toBeUndefined();
    expect(await commandsOf(reserve, placed)).toEqual([
      { aggregate: "stock", action: "reserve", streamId: lines[0]!.stockId, payload: { orderId, quantity: 2 } },
      { aggregate: "stock", action: "reserve", streamId: lines[1]!.stockId, payload: { orderId, quantity: 1 } },
    ]);
  });

  test("cancel-on-shortage cancels the order the refused reservation names", async () => {
    const refused = record("shop.stock", lines[0]!.stockId, { type: "reservation-refused", version: 1, data: { orderId, quantity: 2 } });
    expect(await commandsOf(named(shopReactions, "cancel-on-shortage"), refused)).toEqual([
      { aggregate: "order", action: "cancel", streamId: orderId, payload: { reason: "out-of-stock" } },
    ]);
  });

  test("expire-unconfirmed waits 30 minutes, is cancelled by a confirmation or cancellation, then cancels its own order", async () => {
    const expire = named(shopReactions, "expire-unconfirmed");
    expect(expire.delay).toEqual({ kind: "after", milliseconds: 30 * 60_000 });
    expect(expire.cancelledBy).toEqual(["order-confirmed", "order-cancelled"]);
    expect(await commandsOf(expire, placed)).toEqual([{ aggregate: "order", action: "cancel", streamId: orderId, payload: { reason: "not-confirmed" } }]);
  });

  test("large-order-review acts only on the customer its `when` names, and its unwritten reactor throws HandlerNotImplementedError", async () => {
    const review = named(shopReactions, "large-order-review");
    const vip = record<OrderPlacedEvent>("shop.order", orderId, {
      type: "order-placed",
      version: 1,
      data: { customerId: "00000000-0000-4000-8000-000000000001", lines, total: "7.00" },
    });
    expect(review.when?.(vip)).toBe(true);
    expect(review.when?.(placed)).toBe(false);
    const error = await Promise.resolve()
      .then(() => commandsOf(review, vip))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandlerNotImplementedError);
    expect(error).toMatchObject({ handler: "largeOrderReview", file: "src/domain/shop/_reactions.ts" });
  });

  test("bill-order opens an invoice in the billing domain with no stream id (the runtime derives it)", async () => {
    const [command, ...rest] = await commandsOf(named(shopReactions, "bill-order"), placed);
    expect(rest).toEqual([]);
    expect(command).toEqual({
      domain: "billing",
      aggregate: "invoice",
      action: "open",
      payload: { orderId, customerId, amount: "7.00", issuedAt: placed.recordedAt },
    });
    expect(command).not.toHaveProperty("streamId");
  });

  test("notify-shipped delivers to the integration of fluvius.yaml", () => {
    expect(named(shopReactions, "notify-shipped").effect).toEqual({ kind: "notify", integration: "shipping-webhook" });
  });

  test("public events say so in the aggregate definition; internal ones do not", () => {
    expect(orderAggregate.events["order-placed"].public).toBe(true);
    expect(orderAggregate.events["order-shipped"].public).toBe(true);
    expect(orderAggregate.events["order-confirmed"].public).toBeUndefined();
  });

  test("reaction rules become the reactions' roles, for this domain's reactions and another domain's", () => {
    expect(shopRules.filter((r) => r.role.startsWith("reaction:"))).toEqual([
      { role: "reaction:shop.reserve-stock", allow: ["stock:reserve"] },
      { role: "reaction:shop.cancel-on-shortage", allow: ["order:cancel"] },
      { role: "reaction:shop.expire-unconfirmed", allow: ["order:cancel"] },
      { role: "reaction:billing.confirm-paid-order", allow: ["order:confirm"] },
    ]);
  });

  test("the domain's unions: its events are what reactions receive, its commands what a reactor returns", () => {
    const event: ShopEvent = placed.event;
    const commands: readonly ShopCommand[] = [{ aggregate: "order", action: "confirm", streamId: orderId, payload: {} }];
    const asRuntime: readonly ReactionCommand[] = commands;
    expect(event.type).toBe("order-placed");
    expect(asRuntime).toHaveLength(1);
  });
});

describe("generated billing reactions", () => {
  const invoiceId = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

  test("remind-overdue fires at the due date of the event, unless the invoice is paid first", async () => {
    const remind = named(billingReactions, "remind-overdue");
    const dueSet = record("billing.invoice", invoiceId, { type: "due-date-set", version: 1, data: { dueAt: "2026-02-01T00:00:00.000Z" } });
    expect(remind.delay?.kind).toBe("at");
    expect(remind.delay?.kind === "at" ? remind.delay.time(dueSet) : undefined).toBe("2026-02-01T00:00:00.000Z");
    expect(remind.cancelledBy).toEqual(["invoice-paid"]);
    expect(await commandsOf(remind, dueSet)).toEqual([{ aggregate: "invoice", action: "mark-overdue", streamId: invoiceId, payload: {} }]);
  });

  test("confirm-paid-order confirms the order back in the shop domain, for card and transfer payments only", async () => {
    const confirm = named(billingReactions, "confirm-paid-order");
    const paid = (method: string) => record("billing.invoice", invoiceId, { type: "invoice-paid", version: 1, data: { orderId, method } });
    expect(confirm.when?.(paid("card"))).toBe(true);
    expect(confirm.when?.(paid("transfer"))).toBe(true);
    expect(confirm.when?.(paid("cash"))).toBe(false);
    expect(await commandsOf(confirm, paid("card"))).toEqual([{ domain: "shop", aggregate: "order", action: "confirm", streamId: orderId, payload: {} }]);
  });

  test("audit-cancellation listens to the shop's stream type", () => {
    expect(named(billingReactions, "audit-cancellation").on).toEqual({ streamType: "shop.order", eventType: "order-cancelled" });
  });
});
