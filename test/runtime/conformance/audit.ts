import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { replay, streamTypeOf, type Actor } from "@fluvius/runtime";
import { account, snapshotsEvery } from "../fixtures/banking-account.js";
import { freshTenant } from "../helpers/backends.js";
import { accountRow, accounts, auditor, teller } from "../helpers/banking.js";
import type { SuiteContext } from "./context.js";

const otherTeller = (tenant: string): Actor => ({ id: "teller-2", tenant, roles: ["teller"] });

/** `_creator` / `_updater`: the actor ids of a stream's first and latest event (issue 14, point 4). */
export function auditTests(ctx: SuiteContext): void {
  it("carries the first and the latest event's actor in items, rows, get and time travel", async () => {
    for (const snapshotEvery of [undefined, 2]) {
      const tenant = freshTenant();
      const service = accounts(ctx.backend.store, snapshotsEvery(snapshotEvery));
      const opened = await service.execute({ action: "open-account", payload: { customerId: randomUUID(), accountType: "savings" }, actor: teller(tenant) });
      expect(opened.item).toMatchObject({ _creator: "teller-1", _updater: "teller-1" });
      const id = opened.streamId;
      // Time travel by `at` below needs the deposit in a later millisecond than the opening.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const deposited = await service.execute({ action: "deposit", streamId: id, payload: { amount: "5.00" }, actor: otherTeller(tenant) });
      expect(deposited.item).toMatchObject({ _version: 2, _creator: "teller-1", _updater: "teller-2" });
      await service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: otherTeller(tenant) });
      expect(await accountRow(ctx.backend.db, tenant, id)).toMatchObject({ _version: 3, _creator: "teller-1", _updater: "teller-2" });
      // A service with an empty cache (another process) loads them from the store.
      const fresh = accounts(ctx.backend.store, snapshotsEvery(snapshotEvery), 0);
      expect(await fresh.get(auditor(tenant), id)).toMatchObject({ _version: 3, _creator: "teller-1", _updater: "teller-2" });
      expect(await fresh.getAt(auditor(tenant), id, { version: 1 })).toMatchObject({ _version: 1, _creator: "teller-1", _updater: "teller-1" });
      expect(await fresh.getAt(auditor(tenant), id, { version: 2 })).toMatchObject({ _version: 2, _creator: "teller-1", _updater: "teller-2" });
      expect(await fresh.getAt(auditor(tenant), id, { at: opened.events[0]!.recordedAt })).toMatchObject({ _version: 1, _updater: "teller-1" });
      const again = await fresh.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) });
      expect(again.item).toMatchObject({ _version: 4, _creator: "teller-1", _updater: "teller-1" });
    }
  });

  it("a row lost by hand comes back with the stream's creator, not the next command's actor", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const opened = await service.execute({ action: "open-account", payload: { customerId: randomUUID(), accountType: "savings" }, actor: teller(tenant) });
    await ctx.backend.db.query(`DELETE FROM banking.account WHERE _tenant = $1`, [tenant]);
    await service.execute({ action: "deposit", streamId: opened.streamId, payload: { amount: "3.00" }, actor: otherTeller(tenant) });
    expect(await accountRow(ctx.backend.db, tenant, opened.streamId)).toMatchObject({ _version: 2, _creator: "teller-1", _updater: "teller-2" });
  });

  it("is null for an event without an actor, and replay rebuilds both from the event log", async () => {
    const tenant = freshTenant();
    const store = ctx.backend.store.forTenant(tenant);
    const id = randomUUID();
    const definition = account.readModel!;
    const columns = { customer_id: randomUUID(), account_type: "checking", balance: "0", status: "open", tags: [] };
    const event = (type: string, data: unknown) => ({ type, schemaVersion: 1, data });
    await store.commit({
      streamType: streamTypeOf(account),
      streamId: id,
      expected: "no-stream",
      events: [event("account-opened", { customerId: columns.customer_id, accountType: "checking" })],
      readModel: { definition, columns },
    });
    expect(await accountRow(ctx.backend.db, tenant, id)).toMatchObject({ _creator: null, _updater: null });
    const service = accounts(ctx.backend.store);
    await service.execute({ action: "deposit", streamId: id, payload: { amount: "2.00" }, actor: otherTeller(tenant) });
    expect(await service.get(auditor(tenant), id)).toMatchObject({ _creator: null, _updater: "teller-2" });
    const before = await accountRow(ctx.backend.db, tenant, id);
    expect(before).toMatchObject({ _creator: null, _updater: "teller-2" });
    await ctx.backend.db.query(`UPDATE banking.account SET _creator = 'x', _updater = 'y' WHERE _tenant = $1`, [tenant]);
    await replay(ctx.backend.store, [account], { tenant });
    expect(await accountRow(ctx.backend.db, tenant, id)).toEqual(before);
  });
}
