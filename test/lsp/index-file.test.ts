import { expect, test } from "vitest";
import { indexFile } from "../../src/lsp/index-file.js";

const names = (text: string) =>
  indexFile("/p/a.yaml", text).occurrences.map((o) => `${o.declaration ? "decl" : "ref"} ${o.key} ${JSON.stringify(text.slice(o.start, o.end))}`);

test("external events: the declaration, a reaction's `on: external.<name>` and its `$event.data.` are one symbol each", () => {
  const text = `domain: shop
external:
  payment-settled:
    from: bus
    subject: pay.settled
    payload: { orderId: uuid }
reactions:
  settle:
    on: external.payment-settled
    do: order:mark-paid
    id: $event.data.orderId
`;
  expect(names(text)).toEqual([
    'decl shop|external||payment-settled "payment-settled"',
    'decl shop|payload|external/payment-settled|orderId "orderId"',
    'ref shop|external||payment-settled "payment-settled"',
    'ref shop|payload|external/payment-settled|orderId "orderId"',
    'ref shop|aggregate||order "order"',
    'ref shop|action|order|mark-paid "mark-paid"',
  ]);
});

test("a quoted name's range is inside the quotes; type modifiers are not part of the type's name", () => {
  const text = `domain: b
types:
  Money: decimal
aggregates:
  a:
    state:
      total: "Money?"
      parts: Money[]
`;
  expect(names(text)).toEqual([
    'decl b|type||Money "Money"',
    'decl b|aggregate||a "a"',
    'decl b|field|a|total "total"',
    'ref b|type||Money "Money"',
    'decl b|field|a|parts "parts"',
    'ref b|type||Money "Money"',
  ]);
});
