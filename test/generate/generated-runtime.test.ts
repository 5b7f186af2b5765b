/**
 * The generated code runs on the runtime: the golden banking tree (generated module plus its
 * fresh, unedited handlers) executes commands through the runtime's in-memory test helper.
 */
import { describe, expect, test } from "vitest";
import { given } from "@fluvius/runtime";
import { aggregate as account } from "../../fixtures/valid/banking/expected/generated/banking/account.js";
import { aggregate as order } from "../../fixtures/valid/ecommerce/expected/generated/ecommerce/order.js";

const opened = { type: "account-opened", version: 1, data: { customerId: "5b0f6a8e-3a57-4d1c-9c65-0d2b7e4a1f00", accountType: "checking" } } as const;

describe("generated banking code on the runtime", () => {
  test("a fresh handler emits the declared event built from the payload", async () => {
    await given(account, []).when("open-account", { customerId: opened.data.customerId, accountType: "checking" }).thenEvents([opened]);
  });

  test('decimals are exact: "0.10" + "0.20" is "0.30"', async () => {
    const history = [opened, { type: "deposit-made", version: 1, data: { amount: "0.10" } }] as const;
    await given(account, history).when("deposit", { amount: "0.20" }).thenState({ balance: "0.30" });
  });

  test("`when` preconditions from the spec reject commands on a closed account", async () => {
    const history = [opened, { type: "account-closed", version: 1, data: {} }] as const;
    const error = await given(account, history).when("deposit", { amount: "1.00" }).thenError("precondition-failed");
    expect(error.message).toContain("status");
  });

  test("payloads are validated with the generated JSON Schema (scale of a decimal)", async () => {
    await given(account, [opened]).when("deposit", { amount: "1.005" }).thenError("invalid-payload");
  });

  test("push, pull and exact add/subtract through the generated evolve (arrays of objects)", () => {
    const meta = (version: number) => ({ recordedAt: "2024-01-01T00:00:00.000Z", actorId: "5b0f6a8e-3a57-4d1c-9c65-0d2b7e4a1f00", version });
    const a = { sku: "SKU-A", quantity: 1, unitPrice: "0.10" };
    const b = { sku: "SKU-B", quantity: 2, unitPrice: "0.20" };
    let state = order.initialState();
    state = order.evolve(state, { type: "order-created", version: 1, data: {} }, meta(1));
    state = order.evolve(state, { type: "line-added", version: 1, data: { line: a, lineTotal: "0.10" } }, meta(2));
    state = order.evolve(state, { type: "line-added", version: 1, data: { line: b, lineTotal: "0.40" } }, meta(3));
    state = order.evolve(state, { type: "line-removed", version: 1, data: { line: { ...a }, lineTotal: "0.10" } }, meta(4));
    expect(state.lines).toEqual([b]);
    expect(state.total).toBe("0.40");
    expect(state.customerId).toBe(meta(1).actorId);
  });
});
