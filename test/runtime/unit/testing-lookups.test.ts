import { describe, expect, it } from "vitest";
import { given, naturalKeyId } from "@fluvius/runtime";
import { domain as catalog } from "../../../fixtures/valid/catalog/expected/generated/catalog/index.js";
import { withHandlers } from "../fixtures/catalog-lookups.js";

const definitionOf = (name: string) => {
  const meta = withHandlers(catalog).aggregates.find((a) => a.definition.aggregate === name);
  if (meta === undefined) throw new Error(`no aggregate ${name}`);
  return meta.definition;
};
const quote = definitionOf("quote");
const order = definitionOf("order");
const mugId = naturalKeyId("catalog", "product", "MUG-1");
const mug = { sku: "MUG-1", name: "Mug", price: "4.50", sold: 0 };
const customerId = "7d3f1c9e-2b7a-4c55-9a51-0d2b9f4e8a11";
const ann = { email: "ann@example.com", country: "NL", taxId: "T1" };

describe("given / when / then with lookups", () => {
  it("the handler finds what the test seeds: other streams by id or by key fields, a view's row by key", async () => {
    await given(quote)
      .when(
        "request",
        { sku: "MUG-1", quantity: 2 },
        { lookups: { aggregates: { product: { [mugId]: mug } }, views: { "sales-by-sku": [{ sku: "MUG-1", units: 7, sales: 2 }] } } },
      )
      .thenEvents([{ type: "quote-made", version: 1, data: { sku: "MUG-1", quantity: 2, unitPrice: "4.50", soldBefore: 7 } }]);
    await given(order)
      .when("place", { customerId, productIds: [mugId] }, { lookups: { aggregates: { product: { [mugId]: mug }, customer: { [customerId]: ann } } } })
      .thenState({ customerId, productIds: [mugId] });
  });

  it("what is not seeded is not found: the handler's rule decides", async () => {
    await given(quote).when("request", { sku: "MUG-1", quantity: 2 }).thenError("unknown-sku");
    await given(quote)
      .when("request", { sku: "MUG-1", quantity: 2 }, { lookups: { aggregates: { product: { [mugId]: mug } } } })
      .thenState({ soldBefore: 0 });
    const free = { ...mug, price: "0.00" };
    const error = await given(order)
      .when("place", { customerId, productIds: [mugId] }, { lookups: { aggregates: { product: { [mugId]: free }, customer: { [customerId]: ann } } } })
      .thenError("not-for-sale");
    expect(error.message).toBe("MUG-1 is not for sale.");
  });
});
