import { describe, expect, it } from "vitest";
import { given, type Actor } from "@fluvius/runtime";
import { account, bankingPolicy } from "../fixtures/banking-account.js";

const customerId = "7d3f1c9e-2b7a-4c55-9a51-0d2b9f4e8a11";
const opened = { type: "account-opened", version: 1, data: { customerId, accountType: "checking" } } as const;
const deposited = (amount: string) => ({ type: "deposit-made", version: 1, data: { amount } }) as const;

describe("given / when / then", () => {
  it("runs a handler on the given history and checks its events and state", async () => {
    await given(account, [opened, deposited("10.00")])
      .when("withdraw", { amount: "4.00" })
      .thenEvents([{ type: "withdrawal-made", version: 2, data: { amount: "4.00" } }]);
    await given(account, [opened, deposited("10.00")])
      .when("withdraw", { amount: "4.00" })
      .thenState({ balance: "6.00" });
    await given(account).when("open-account", { customerId, accountType: "savings" }).thenState({ status: "open", accountType: "savings" });
  });

  it("reports business rules, `when`, payload and existence failures by code", async () => {
    await given(account, [opened]).when("withdraw", { amount: "0.01" }).thenError("insufficient-funds");
    await given(account, [opened, { type: "account-closed", version: 1, data: {} }])
      .when("deposit", { amount: "1.00" })
      .thenError("precondition-failed");
    await given(account, [opened]).when("deposit", { amount: "1.001" }).thenError("invalid-payload");
    await given(account).when("deposit", { amount: "1.00" }).thenError("not-found");
    await given(account, [opened]).when("open-account", { customerId, accountType: "checking" }).thenError("stream-exists");
  });

  it("upcasts old event versions in the history", async () => {
    await given(account, [opened, deposited("5.00"), { type: "withdrawal-made", version: 1, data: { amount: "2.00", memo: "x" } }])
      .when("withdraw", { amount: "3.00" })
      .thenState({ balance: "0.00" });
  });

  it("checks the policy when given one", async () => {
    const stranger: Actor = { id: "someone-else", tenant: "t", roles: ["customer"] };
    const owner: Actor = { id: customerId, tenant: "t", roles: ["customer"] };
    await given(account, [opened]).when("deposit", { amount: "1.00" }, { actor: stranger, policy: bankingPolicy }).thenError("forbidden");
    await given(account, [opened]).when("deposit", { amount: "1.00" }, { actor: owner, policy: bankingPolicy }).thenState({ balance: "1.00" });
  });

  it("fails the test with a readable message when the expectation does not hold", async () => {
    await expect(
      given(account, [opened])
        .when("deposit", { amount: "1.00" })
        .thenEvents([deposited("2.00")]),
    ).rejects.toThrow(/Events from deposit/);
    await expect(given(account, [opened]).when("deposit", { amount: "1.00" }).thenError("insufficient-funds")).rejects.toThrow(
      /Expected deposit to fail with insufficient-funds/,
    );
    await expect(given(account, [opened]).when("withdraw", { amount: "1.00" }).thenEvents([])).rejects.toThrow(/but it failed: insufficient-funds/);
  });
});
