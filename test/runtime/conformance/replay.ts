import { expect, it } from "vitest";
import { InvalidArgumentError, replay } from "@fluvius/runtime";
import { account } from "../fixtures/banking-account.js";
import { freshTenant } from "../helpers/backends.js";
import { accountRow, accounts, openAccount, teller } from "../helpers/banking.js";
import type { SuiteContext } from "./context.js";

export function replayTests(ctx: SuiteContext): void {
  it("rebuilds read-model rows from the event log, for one tenant only when asked", async () => {
    const [a, b] = [freshTenant("a"), freshTenant("b")];
    const service = accounts(ctx.backend.store);
    const ids: Record<string, string[]> = { [a]: [], [b]: [] };
    for (const tenant of [a, b]) {
      for (let i = 0; i < 2; i++) {
        const id = await openAccount(service, tenant);
        await service.execute({ action: "deposit", streamId: id, payload: { amount: "12.34" }, actor: teller(tenant) });
        await service.execute({ action: "withdraw", streamId: id, payload: { amount: "2.34" }, actor: teller(tenant) });
        ids[tenant]!.push(id);
      }
    }
    const [aFirst, aSecond] = ids[a] as [string, string];
    const before = await accountRow(ctx.backend.db, a, aFirst);
    expect(before?.balance).toBe("10.00");
    // Damage the table: wrong values for both tenants, a lost row for tenant a.
    await ctx.backend.db.query(`UPDATE banking.account SET balance = 999, status = 'frozen' WHERE _tenant IN ($1, $2)`, [a, b]);
    await ctx.backend.db.query(`DELETE FROM banking.account WHERE _tenant = $1 AND _id = $2::uuid`, [a, aSecond]);

    const [report] = await replay(ctx.backend.store, [account], { tenant: a, batchSize: 2 });
    expect(report).toMatchObject({ streamType: "banking.account", table: '"banking"."account"', streams: 2, events: 6 });
    expect(await accountRow(ctx.backend.db, a, aFirst)).toEqual(before);
    expect((await accountRow(ctx.backend.db, a, aSecond))?.balance).toBe("10.00");
    expect((await accountRow(ctx.backend.db, b, ids[b]![0]!))?.balance).toBe("999");
  });

  it("rebuilds with the current evolve code and upcasters", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    await service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) });
    const tagging = {
      ...account,
      evolve: (s: Parameters<typeof account.evolve>[0], e: Parameters<typeof account.evolve>[1], m: Parameters<typeof account.evolve>[2]) => ({
        ...account.evolve(s, e, m),
        tags: [...s.tags, `v${m.version}`],
      }),
    };
    await replay(ctx.backend.store, [tagging], { tenant, aggregate: "banking.account" });
    expect((await accountRow(ctx.backend.db, tenant, id))?.tags).toEqual(["v1", "v2"]);
  });

  it("never lets a row write replace a newer row", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    await ctx.backend.db.query(`UPDATE banking.account SET _version = 99, balance = 42 WHERE _tenant = $1`, [tenant]);
    await service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) });
    expect(await accountRow(ctx.backend.db, tenant, id)).toMatchObject({ _version: 99, balance: "42" });
    await replay(ctx.backend.store, [account], { tenant });
    expect(await accountRow(ctx.backend.db, tenant, id)).toMatchObject({ _version: 2, balance: "1.00" });
  });

  it("refuses an aggregate it does not know", async () => {
    await expect(replay(ctx.backend.store, [account], { aggregate: "order" })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
}
