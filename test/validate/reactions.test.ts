import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { compile } from "../../src/compile.js";
import { memoryHost } from "../../src/host/memory-host.js";
import type { ReactionModel } from "../../src/model/model.js";
import { readModelJson, writeModelJson } from "../../src/model/json.js";
import { lower } from "../../src/model/lower.js";
import { parseDuration } from "../../src/model/reaction-values.js";
import { fixturesRoot } from "../helpers/fixtures.js";

async function compileProject(files: Record<string, string>) {
  const result = await compile({ host: memoryHost(files) });
  const summary = result.diagnostics.map((d) => `${d.range.file}:${d.range.start.line} ${d.code}: ${d.message}`);
  return { result, summary, model: result.domains ? lower(result.domains) : undefined };
}

/** The shop fixture as a project: its fluvius.yaml (an integration) and both domains' specs. */
function shopFixture(): Record<string, string> {
  const dir = path.join(fixturesRoot, "valid/shop");
  const files: Record<string, string> = { "fluvius.yaml": readFileSync(path.join(dir, "fluvius.yaml"), "utf8").replace("spec/**/*.yaml", "domains/*.yaml") };
  for (const name of readdirSync(path.join(dir, "spec"))) files[`domains/${name}`] = readFileSync(path.join(dir, "spec", name), "utf8");
  return files;
}

function reactionNamed(reactions: readonly ReactionModel[], name: string): ReactionModel {
  const found = reactions.find((r) => r.name === name);
  expect(found, `reaction ${name}`).toBeDefined();
  return found as ReactionModel;
}

describe("reactions are lowered into the model with every reference parsed", () => {
  test("the shop fixture: forEach over lines, a cancellable timer, a guarded hand-written reactor", async () => {
    const { summary, model } = await compileProject(shopFixture());
    expect(summary).toEqual([]);
    const shop = model?.domains.find((d) => d.name === "shop");
    expect(shop?.name).toBe("shop");
    const reactions = shop?.reactions ?? [];
    expect(reactions.map((r) => r.name)).toEqual([
      "reserve-stock",
      "cancel-on-shortage",
      "expire-unconfirmed",
      "large-order-review",
      "bill-order",
      "notify-shipped",
    ]);

    expect(reactionNamed(reactions, "reserve-stock")).toMatchObject({
      on: { domain: "shop", aggregate: "order", event: "order-placed" },
      forEach: ["lines"],
      effect: {
        kind: "command",
        domain: "shop",
        aggregate: "stock",
        action: "reserve",
        target: { kind: "stream", id: { kind: "item", path: ["stockId"] } },
        payload: [
          { field: "orderId", value: { kind: "event-meta", name: "streamId" } },
          { field: "quantity", value: { kind: "item", path: ["quantity"] } },
        ],
      },
    });
    expect(reactionNamed(reactions, "cancel-on-shortage").effect).toMatchObject({
      target: { kind: "stream", id: { kind: "event-data", path: ["orderId"] } },
      payload: [{ field: "reason", value: { kind: "literal", value: "out-of-stock" } }],
    });
    const timer = reactionNamed(reactions, "expire-unconfirmed");
    expect(timer.delay).toEqual({ kind: "after", milliseconds: 30 * 60_000 });
    expect(timer.cancelledBy).toEqual(["order-confirmed", "order-cancelled"]);
    const reactor = reactionNamed(reactions, "large-order-review");
    expect(reactor.effect).toEqual({ kind: "handler" });
    expect(reactor.when).toEqual([{ field: "customerId", values: ["00000000-0000-4000-8000-000000000001"] }]);

    expect(reactionNamed(reactions, "bill-order").effect).toMatchObject({
      kind: "command",
      domain: "billing",
      aggregate: "invoice",
      action: "open",
      target: { kind: "new" },
    });
    expect(reactionNamed(reactions, "notify-shipped").effect).toEqual({ kind: "notify", integration: "shipping-webhook" });
    const billing = model?.domains.find((d) => d.name === "billing");
    expect(reactionNamed(billing?.reactions ?? [], "remind-overdue").delay).toEqual({ kind: "at", value: { kind: "event-data", path: ["dueAt"] } });

    expect(shop?.reactionRules.map((r) => [`${r.reaction.domain}.${r.reaction.name}`, r.allow])).toEqual([
      ["shop.reserve-stock", ["stock:reserve"]],
      ["shop.cancel-on-shortage", ["order:cancel"]],
      ["shop.expire-unconfirmed", ["order:cancel"]],
      ["billing.confirm-paid-order", ["order:confirm"]],
    ]);
    // Reaction rules are not role rules: the generated role policy never sees them.
    expect(shop?.rules.map((r) => r.role)).toEqual(["clerk", "shopper"]);
    const order = shop?.aggregates.find((a) => a.name === "order");
    expect(order?.events.filter((e) => e.public).map((e) => e.name)).toEqual(["order-placed", "order-shipped"]);
  });

  test("the model of reactions survives a JSON round trip", async () => {
    const { model } = await compileProject(shopFixture());
    const reactions = model?.domains.flatMap((d) => d.reactions);
    expect(reactions?.length).toBeGreaterThan(0);
    // Sites are lazy objects in memory; the model's JSON form writes their ranges, and reads back the same.
    const readBack = model && readModelJson(writeModelJson(model)).domains.flatMap((d) => d.reactions);
    expect(JSON.stringify(readBack)).toBe(JSON.stringify(reactions));
  });
});

const ORDERS = `
domain: orders
aggregates:
  order:
    state: { status: { enum: [open, closed], default: open } }
    actions:
      open: { creates: true, emits: order-opened }
      close: { payload: { note: string }, emits: order-closed }
    events:
      order-opened: {}
      order-closed: { payload: { note: string }, apply: { set: { status: closed } } }
policies:
  roles: { clerk: {} }
  rules: [{ role: clerk, allow: ["*"] }]
`;

function billing(rulesInOrders: boolean): Record<string, string> {
  const billingSpec = `
domain: billing
aggregates:
  invoice:
    state: { orderId: uuid }
    actions:
      issue: { creates: true, payload: { orderId: uuid }, emits: invoice-issued }
    events:
      invoice-issued: { payload: { orderId: uuid }, apply: { set: { orderId: $payload.orderId } } }
reactions:
  close-order:
    on: billing.invoice.invoice-issued
    do: orders:order:close
    id: $event.data.orderId
    payload: { note: invoiced }
policies:
  roles: { clerk: {} }
  rules:
    - { role: clerk, allow: ["*"] }
${rulesInOrders ? "" : '    - { reaction: close-order, allow: ["invoice:*"] }'}
`;
  const orders = rulesInOrders
    ? ORDERS.replace(
        'rules: [{ role: clerk, allow: ["*"] }]',
        'rules: [{ role: clerk, allow: ["*"] }, { reaction: billing.close-order, allow: [order:close] }]',
      )
    : ORDERS;
  return { "domains/billing.yaml": billingSpec, "domains/orders.yaml": orders };
}

describe("reactions across domains", () => {
  test("a reaction issues another domain's command when that domain's policies allow `<domain>.<reaction>`", async () => {
    const { summary, model } = await compileProject(billing(true));
    expect(summary).toEqual([]);
    const reaction = model?.domains.find((d) => d.name === "billing")?.reactions[0];
    expect(reaction?.effect).toMatchObject({ kind: "command", domain: "orders", aggregate: "order", action: "close" });
    expect(model?.domains.find((d) => d.name === "orders")?.reactionRules).toMatchObject([
      { kind: "reaction-rule", reaction: { domain: "billing", name: "close-order" }, allow: ["order:close"] },
    ]);
  });

  test("a rule in the reaction's own domain does not allow a command of another domain", async () => {
    const { summary } = await compileProject(billing(false));
    expect(summary).toEqual([
      "domains/billing.yaml:13 reaction-not-allowed: No policy rule allows reaction 'billing.close-order' to run 'order:close', so every command it issues would be denied.",
    ]);
  });

  test("a rule may not name a reaction of a domain that has none of that name", async () => {
    const files = billing(true);
    files["domains/orders.yaml"] = (files["domains/orders.yaml"] ?? "").replace("billing.close-order", "billing.close-ordr");
    const { summary } = await compileProject(files);
    expect(summary).toContain("domains/orders.yaml:14 unknown-reaction: Unknown reaction 'billing.close-ordr'. Did you mean 'billing.close-order'?");
  });
});

describe("reaction values, durations and integrations", () => {
  const withReaction = (reaction: string, extra = "") => ({
    "domains/orders.yaml": `${ORDERS.replace('rules: [{ role: clerk, allow: ["*"] }]', 'rules: [{ role: clerk, allow: ["*"] }, { reaction: r, allow: ["order:*"] }]')}reactions:\n  r:\n${reaction}`,
    ...(extra === "" ? {} : { "fluvius.yaml": extra }),
  });

  test("`$event.meta.streamId` is answered with the spelling that exists", async () => {
    const { summary } = await compileProject(
      withReaction("    on: order.order-opened\n    do: order:close\n    id: $event.meta.streamId\n    payload: { note: x }\n"),
    );
    expect(summary).toEqual([
      "domains/orders.yaml:19 unknown-variable: Unknown reference '$event.meta.streamId'; use $event.data.<field>, $event.id, $event.streamId, $event.recordedAt, $event.actorId, $event.correlationId. Did you mean '$event.streamId'?",
    ]);
  });

  test("`at` is one time per event: `$item` is not in its scope, even with `forEach`", async () => {
    const spec = `
domain: orders
aggregates:
  order:
    state: { status: { enum: [open, closed], default: open } }
    actions:
      open: { creates: true, payload: { steps: "Step[]" }, emits: order-opened }
      close: { payload: { note: string }, emits: order-closed }
    events:
      order-opened: { payload: { steps: "Step[]" } }
      order-closed: { payload: { note: string }, apply: { set: { status: closed } } }
types:
  Step: { fields: { dueAt: datetime, note: string } }
policies:
  roles: { clerk: {} }
  rules: [{ role: clerk, allow: ["*"] }, { reaction: r, allow: ["order:*"] }]
reactions:
  r:
    on: order.order-opened
    forEach: $event.data.steps
    at: $item.dueAt
    do: order:close
    id: $event.streamId
    payload: { note: $item.note }
`;
    const { summary } = await compileProject({ "domains/orders.yaml": spec });
    expect(summary).toEqual([
      "domains/orders.yaml:21 unknown-variable: Unknown reference '$item.dueAt'; use $event.data.<field>, $event.id, $event.streamId, $event.recordedAt, $event.actorId, $event.correlationId.",
    ]);
  });

  test("`notify` names an integration of fluvius.yaml", async () => {
    const config = "integrations:\n  audit-hook: { webhook: { url: $env.AUDIT_URL, secretEnv: AUDIT_SECRET } }\n";
    const { summary, model } = await compileProject(withReaction("    on: order.order-closed\n    notify: audit-hook\n", config));
    expect(summary).toEqual([]);
    expect(model?.domains[0]?.reactions[0]?.effect).toEqual({ kind: "notify", integration: "audit-hook" });
  });

  test("a `when` on the reaction stops a cycle, so it is not reported", async () => {
    const loop = "    on: order.order-closed\n    do: order:close\n    id: $event.streamId\n    payload: { note: again }\n";
    expect((await compileProject(withReaction(loop))).summary).toEqual([
      "domains/orders.yaml:16 reaction-cycle: Reactions form a cycle with no condition to stop it: orders.r → orders.r.",
    ]);
    expect((await compileProject(withReaction(`${loop}    when: { note: first }\n`))).summary).toEqual([]);
  });

  test.each([
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["1h30m", 5_400_000],
    ["2d", 172_800_000],
    ["1w", 604_800_000],
    ["250ms", 250],
    ["30 minutes", undefined],
    ["0s", undefined],
    ["m", undefined],
    ["1y", undefined],
    ["9999w", undefined],
  ])("duration %s is %s ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

test("a webhook timeout in fluvius.yaml that is not a duration is reported at its line", async () => {
  const config = "integrations:\n  hook:\n    webhook: { url: $env.HOOK_URL, timeout: ten seconds }\n";
  const { summary } = await compileProject({ "fluvius.yaml": config, "domains/orders.yaml": ORDERS });
  expect(summary).toEqual(["fluvius.yaml:3 invalid-duration: 'ten seconds' is not a duration."]);
});

describe("names generated for a domain's unions and reactors", () => {
  test("a named type may not take the name of the domain's event or command union (the index exports both)", async () => {
    const spec = `${ORDERS}types:\n  OrdersEvent: { fields: { at: datetime } }\n`;
    const { summary } = await compileProject({ "domains/orders.yaml": spec });
    expect(summary).toEqual([
      "domains/orders.yaml:16 name-collision: type 'OrdersEvent' and the event union of domain 'orders' both become 'OrdersEvent' in generated code.",
    ]);
  });

  test("two `handler: true` reactions whose reactors get the same name are reported", async () => {
    const reactions = "reactions:\n  audit-1:\n    on: order.order-opened\n    handler: true\n  audit1:\n    on: order.order-closed\n    handler: true\n";
    const { summary } = await compileProject({ "domains/orders.yaml": `${ORDERS}${reactions}` });
    expect(summary).toEqual(["domains/orders.yaml:19 name-collision: reaction 'audit1' and reaction 'audit-1' both become 'audit1' in generated code."]);
  });
});
