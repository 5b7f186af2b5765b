import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { catchUp, createUpcaster, settle, startSubscription, type StoredEvent, type SubscriptionOptions } from "@fluvius/runtime";
import { account } from "../fixtures/banking-account.js";
import { freshTenant } from "../helpers/backends.js";
import { accounts, openAccount, teller } from "../helpers/banking.js";
import type { SuiteContext } from "./context.js";

/**
 * One catchUp once everything committed so far is readable: on the shared PostgreSQL server,
 * another test file's open transaction may hold this one's commits behind the fence.
 */
async function caughtUp(ctx: SuiteContext, options: SubscriptionOptions): Promise<number> {
  await settle(ctx.backend.store);
  return catchUp(ctx.backend.store, options);
}

export function subscriptionTests(ctx: SuiteContext): void {
  it("delivers a tenant's events in order, each stream by version, and resumes from its checkpoint", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const seen: StoredEvent[] = [];
    const options = { name: `audit-${tenant}`, tenant, batchSize: 3, handle: (e: StoredEvent) => void seen.push(e) };
    const [x, y] = [await openAccount(service, tenant), await openAccount(service, tenant)];
    for (const id of [x, y, x]) await service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) });
    await openAccount(service, freshTenant()); // another tenant's event: not for this subscription
    expect(await caughtUp(ctx, options)).toBe(5);
    expect(seen.every((e) => e.tenant === tenant)).toBe(true);
    expect(seen.filter((e) => e.streamId === x).map((e) => e.version)).toEqual([1, 2, 3]);
    expect(seen.filter((e) => e.streamId === y).map((e) => e.version)).toEqual([1, 2]);
    expect(await caughtUp(ctx, options)).toBe(0);
    await service.execute({ action: "deposit", streamId: y, payload: { amount: "1.00" }, actor: teller(tenant) });
    expect(await caughtUp(ctx, options)).toBe(1);
    expect(seen.at(-1)).toMatchObject({ streamId: y, version: 3 });
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(6);
  });

  it("redelivers from the failed event when a handler throws (at least once, nothing skipped)", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    for (let i = 0; i < 4; i++) await service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) });
    const seen: number[] = [];
    let failOnce = true;
    const options = {
      name: `flaky-${tenant}`,
      tenant,
      handle: (e: StoredEvent) => {
        if (e.version === 3 && failOnce) {
          failOnce = false;
          throw new Error("downstream unavailable");
        }
        seen.push(e.version);
      },
    };
    await expect(caughtUp(ctx, options)).rejects.toThrow("downstream unavailable");
    expect(seen).toEqual([1, 2]);
    expect(await caughtUp(ctx, options)).toBe(3);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it("filters by stream type and upcasts for typed handlers", async () => {
    const tenant = freshTenant();
    const store = ctx.backend.store.forTenant(tenant);
    const id = await openAccount(accounts(ctx.backend.store), tenant);
    await store.append("banking.account", id, [{ type: "withdrawal-made", schemaVersion: 1, data: { amount: "0.00", memo: "m" } }], { expected: 1 });
    await store.append("other.thing", randomUUID(), [{ type: "x", schemaVersion: 1, data: {} }], { expected: "no-stream" });
    const upcast = createUpcaster([account]);
    const types: string[] = [];
    await caughtUp(ctx, {
      name: `typed-${tenant}`,
      tenant,
      streamTypes: ["banking.account"],
      handle: (e) => void types.push(`${upcast(e)?.event.type}@${upcast(e)?.event.version}`),
    });
    expect(types).toEqual(["account-opened@1", "withdrawal-made@2"]);
  });

  it("keeps delivering while running, until stopped", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const seen: string[] = [];
    const sub = startSubscription(ctx.backend.store, { name: `live-${tenant}`, tenant, pollIntervalMs: 10, handle: (e) => void seen.push(e.eventId) });
    try {
      const id = await openAccount(service, tenant);
      await service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) });
      for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toHaveLength(2);
    } finally {
      await sub.stop();
    }
  });
}
