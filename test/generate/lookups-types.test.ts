import path from "node:path";
import { expect, test } from "vitest";
import { fixturesRoot } from "../helpers/fixtures.js";
import { readTree } from "../helpers/tree.js";
import { typecheck } from "../helpers/typecheck.js";

/** A hand-written quote handler of the catalog fixture using lookups, and the mistakes the types must refuse. */
const QUOTE_HANDLERS = `import { BusinessRuleError } from "@fluvius/runtime";
import type * as types from "../../generated/catalog/quote.js";

export const handleRequest: types.RequestHandler = async ({ payload, get, find }) => {
  const product = await find("product", { sku: payload.sku });
  if (product === undefined) throw new BusinessRuleError("unknown-sku", \`No product has the SKU \${payload.sku}.\`);
  const price: string = (await get("product", product._id))?.price ?? product.price;
  const customer = await find("customer", { country: "NL", taxId: "T1" });
  const email: string | undefined = (await find("customer", { email: "ann@example.com" }))?.email ?? customer?.email;
  const sales = await find("sales-by-sku", { sku: payload.sku });
  const units: number = (sales?.units ?? 0) + (sales?._version ?? 0) * 0;
  void email;
  return { type: "quote-made", version: 1, data: { sku: payload.sku, quantity: payload.quantity, unitPrice: price, soldBefore: units } };
};

/** Each line after a directive must be a compile error (an unused directive is one too). */
export async function mistakes(ctx: Parameters<types.RequestHandler>[0]): Promise<void> {
  // @ts-expect-error no aggregate or view 'prodcut' in the domain
  await ctx.get("prodcut", ctx.streamId);
  // @ts-expect-error a view is found, not got by id
  await ctx.get("sales-by-sku", ctx.streamId);
  // @ts-expect-error 'name' is neither the natural key nor a unique field of product
  await ctx.find("product", { name: "Mug" });
  // @ts-expect-error an order has no natural key and no unique field
  await ctx.find("order", { customerId: ctx.streamId });
  // @ts-expect-error the customer's unique set is (country, taxId), not country alone
  await ctx.find("customer", { country: "NL" });
  // @ts-expect-error the view's key is { sku }
  await ctx.find("sales-by-sku", { units: 1 });
  // @ts-expect-error a SKU is a string
  await ctx.find("sales-by-sku", { sku: 1 });
  const product = await ctx.get("product", ctx.streamId);
  // @ts-expect-error the product's state has no 'cost'
  void product?.cost;
  // @ts-expect-error a price is a decimal string, not a number
  const price: number | undefined = product?.price;
  void price;
}
`;

test("lookups are typed by the domain's generated names: the right calls compile, a wrong aggregate, view, key or field does not", () => {
  const tree = readTree(path.join(fixturesRoot, "valid", "catalog", "expected"));
  expect(tree.has("generated/catalog/_lookups.ts"), "the catalog golden tree has its _lookups.ts").toBe(true);
  tree.set("domain/catalog/quote.ts", QUOTE_HANDLERS);
  const result = typecheck(new Map([["catalog", tree]]));
  expect(result.output).toBe("");
  expect(result.status).toBe(0);
}, 120_000);
