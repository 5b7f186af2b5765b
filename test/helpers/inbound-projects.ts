import { readFileSync } from "node:fs";
import path from "node:path";
import { fixturesRoot } from "./fixtures.js";

/**
 * Two services that talk through NATS JetStream, for the inbound tests: the shop publishes its
 * public order events; the ledger (fixtures/valid/inbound) hears them as external events.
 */

/** Orders whose public events carry what the ledger's external events declare; `note` stays inside. */
export const SHOP_SERVICE_SPEC = `domain: shop
types:
  Money: { type: decimal, scale: 2, minimum: "0" }
  OrderLine: { fields: { stockId: uuid, sku: string, quantity: integer, unitPrice: Money } }
aggregates:
  order:
    state: { customerId: uuid, total: { type: Money, default: "0.00" }, shipped: { type: boolean, default: false } }
    actions:
      place: { creates: true, payload: { customerId: uuid, lines: "OrderLine[]", total: Money }, emits: order-placed }
      ship: { payload: { trackingNumber: string }, emits: order-shipped }
      note: { payload: { text: string }, emits: order-noted }
    events:
      order-placed: { public: true, payload: { customerId: uuid, lines: "OrderLine[]", total: Money }, apply: { set: { customerId: $payload.customerId, total: $payload.total } } }
      order-shipped: { public: true, payload: { trackingNumber: string }, apply: { set: { shipped: true } } }
      order-noted: { payload: { text: string } }
policies:
  roles: { clerk: {} }
  rules:
    - { role: clerk, allow: ["order:*"] }
`;

/** The shop's fluvius.yaml: its public events go to `<prefix>.shop.order.<event>`. */
export function shopServiceConfig(subjectPrefix: string): string {
  return `integrations:\n  broker: { nats: { url: $env.NATS_URL, subjectPrefix: ${subjectPrefix} } }\n`;
}

/** The ledger fixture's spec, hearing the shop that publishes under `shopPrefix`. */
export function ledgerSpec(shopPrefix: string): string {
  return readFileSync(path.join(fixturesRoot, "valid/inbound/spec/ledger.yaml"), "utf8").replaceAll("subject: shop.shop.", `subject: ${shopPrefix}.shop.`);
}

/** The ledger fixture's fluvius.yaml (its broker `shop-broker` at $env.NATS_URL), publishing its own events under `subjectPrefix`. */
export function ledgerConfig(subjectPrefix = "ledger"): string {
  return readFileSync(path.join(fixturesRoot, "valid/inbound/fluvius.yaml"), "utf8")
    .replace("spec/**/*.yaml", "domains/*.yaml")
    .replace("subjectPrefix: ledger", `subjectPrefix: ${subjectPrefix}`);
}

export const CUSTOMER = "7d0c1e52-6f3b-4a7e-9f51-1c2b3d4e5f60";
export const LINE = { stockId: "0d9a5b1c-2e3f-4a6b-8c7d-9e0f1a2b3c4d", sku: "SKU-A", quantity: 2, unitPrice: "1.50" };
