import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { createAggregateService, ForbiddenError, InvalidQueryError, type Actor } from "@fluvius/runtime";
import { account, bankingPolicy } from "../fixtures/banking-account.js";
import { freshTenant } from "../helpers/backends.js";
import { accounts, auditor, customer, openAccount, teller } from "../helpers/banking.js";
import type { SuiteContext } from "./context.js";

/** `service.list`: the read side's guards live in the runtime, next to get's (issue 14, point 8). */
export function listTests(ctx: SuiteContext): void {
  it("lists the tenant's items only, and only those the policy's where lets a customer read", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const mine = randomUUID();
    const own = await openAccount(service, tenant, mine);
    await openAccount(service, tenant);
    await openAccount(service, freshTenant("other"));

    const all = await service.list(auditor(tenant));
    expect(all.total).toBe(2);
    expect(all.rows.map((r) => r._version)).toEqual([1, 1]);
    const visible = await service.list(customer(tenant, mine));
    expect(visible).toMatchObject({ total: 1, limit: 25, page: 1 });
    expect(visible.rows.map((r) => r._id)).toEqual([own]);
    expect(visible.rows[0]).toEqual(await service.get(customer(tenant, mine), own));
  });

  it("filters, sorts, pages and selects fields as the request says", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const ids = [await openAccount(service, tenant), await openAccount(service, tenant), await openAccount(service, tenant)];
    await service.execute({ action: "deposit", streamId: ids[1]!, payload: { amount: "100.00" }, actor: teller(tenant) });
    await service.execute({ action: "deposit", streamId: ids[2]!, payload: { amount: "40.00" }, actor: teller(tenant) });

    const rich = await service.list(teller(tenant), { query: { "balance.gt": "10" }, sort: "balance.desc", include: ["balance"] });
    expect(rich.rows).toEqual([
      { _id: ids[1], balance: "100.00" },
      { _id: ids[2], balance: "40.00" },
    ]);
    const second = await service.list(teller(tenant), { sort: "balance.asc", limit: 1, page: 2, exclude: ["address", "tags"] });
    expect(second).toMatchObject({ total: 3, limit: 1, page: 2 });
    expect(second.rows.map((r) => r.balance)).toEqual(["40.00"]);
  });

  it("refuses what the actor may not read and what the request gets wrong, before any SQL", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const stranger: Actor = { id: "nobody", tenant, roles: ["visitor"] };
    await expect(service.list(stranger)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(service.list(teller(tenant), { query: { nope: 1 } })).rejects.toThrow("Unknown field 'nope'.");
    await expect(service.list(teller(tenant), { sort: "tags.asc" })).rejects.toThrow("Field 'tags' cannot be sorted (array).");
    await expect(service.list(teller(tenant), { include: ["secret"] })).rejects.toBeInstanceOf(InvalidQueryError);
    // The runtime checks the page itself: a caller without the HTTP layer cannot ask for a million rows.
    await expect(service.list(teller(tenant), { limit: 0 })).rejects.toThrow("`limit` must be an integer from 1 to 1000.");
    await expect(service.list(teller(tenant), { page: 1.5 })).rejects.toThrow("`page` must be an integer from 1 to 1000000.");
  });

  it("the metadata's fields are what a list filters and returns; without them an enum compares as text", async () => {
    const tenant = freshTenant();
    const fields = [
      { name: "accountType", kind: "enum", values: ["checking", "savings"] },
      { name: "balance", kind: "decimal" },
    ] as const;
    const described = createAggregateService(ctx.backend.store, account, { policy: bankingPolicy, fields });
    const id = await openAccount(described, tenant);
    const page = await described.list(teller(tenant), { query: { accountType: "checking" } });
    expect(page.rows.map((r) => Object.keys(r).sort())).toEqual([
      ["_created", "_creator", "_id", "_updated", "_updater", "_version", "accountType", "balance"],
    ]);
    expect(page.rows[0]?._id).toBe(id);
    await expect(described.list(teller(tenant), { query: { accountType: "gold" } })).rejects.toThrow("'accountType.eq' needs one of checking, savings.");
    expect(await accounts(ctx.backend.store).list(teller(tenant), { query: { accountType: "gold" } })).toMatchObject({ total: 0, rows: [] });
  });
}
