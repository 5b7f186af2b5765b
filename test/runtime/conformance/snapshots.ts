import { expect, it } from "vitest";
import { EventSchemaError, ForbiddenError, NotFoundError, snapshotKey, streamTypeOf } from "@fluvius/runtime";
import { account, snapshotsEvery } from "../fixtures/banking-account.js";
import { freshTenant } from "../helpers/backends.js";
import { accounts, auditor, customer, openAccount, teller, type AccountService } from "../helpers/banking.js";
import type { SuiteContext } from "./context.js";

const TYPE = streamTypeOf(account);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deposits(service: AccountService, tenant: string, id: string, amounts: readonly string[]) {
  const results = [];
  for (const amount of amounts) results.push(await service.execute({ action: "deposit", streamId: id, payload: { amount }, actor: teller(tenant) }));
  return results;
}

export function snapshotTests(ctx: SuiteContext): void {
  it("takes a snapshot every snapshotEvery events and loads snapshot + tail", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store, { ...account, snapshotEvery: 5 });
    const id = await openAccount(service, tenant);
    await deposits(service, tenant, id, Array(11).fill("1.00"));
    const rows = await ctx.backend.db.query<{ version: number }>(
      "SELECT version FROM fluvius.snapshots WHERE tenant = $1 AND stream_id = $2::uuid ORDER BY version",
      [tenant, id],
    );
    expect(rows.map((r) => r.version)).toEqual([5, 10]);
    const loaded = await ctx.backend.store.forTenant(tenant).load(TYPE, id, { specHash: snapshotKey(account) });
    expect(loaded.version).toBe(12);
    expect(loaded.snapshot?.version).toBe(10);
    expect(loaded.events.map((e) => e.version)).toEqual([11, 12]);
    expect((await service.get(teller(tenant), id)).balance).toBe("11.00");
  });

  it("reads snapshots only under the same spec hash: changed evolve code folds from the events", async () => {
    const tenant = freshTenant();
    const v1 = accounts(ctx.backend.store, { ...account, snapshotEvery: 3 });
    const id = await openAccount(v1, tenant);
    await deposits(v1, tenant, id, ["1.00", "1.00", "1.00"]);
    // Tamper with the stored snapshot: reads under the same hash must show it (the snapshot is used) …
    await ctx.backend.db.query(`UPDATE fluvius.snapshots SET state = jsonb_set(state, '{balance}', '"500.00"') WHERE tenant = $1 AND stream_id = $2::uuid`, [
      tenant,
      id,
    ]);
    expect((await v1.get(teller(tenant), id)).balance).toBe("501.00");
    // … while new evolve code (another hash) ignores it and folds every event with the new code.
    const doubling = {
      ...account,
      snapshotEvery: 3,
      specHash: "sha256:banking-account-evolve-v2",
      evolve: (s: Parameters<typeof account.evolve>[0], e: Parameters<typeof account.evolve>[1], m: Parameters<typeof account.evolve>[2]) =>
        e.type === "deposit-made" ? account.evolve(account.evolve(s, e, m), e, m) : account.evolve(s, e, m),
    };
    const v2 = accounts(ctx.backend.store, doubling);
    expect((await v2.get(teller(tenant), id)).balance).toBe("6.00");
    await deposits(v2, tenant, id, ["1.00"]);
    const hashes = await ctx.backend.db.query<{ spec_hash: string; version: number }>(
      "SELECT spec_hash, version FROM fluvius.snapshots WHERE tenant = $1 AND stream_id = $2::uuid ORDER BY spec_hash, version",
      [tenant, id],
    );
    expect(hashes).toEqual([
      { spec_hash: snapshotKey(account), version: 3 },
      { spec_hash: snapshotKey(doubling), version: 5 },
    ]);
    expect((await v2.get(teller(tenant), id)).balance).toBe("8.00");
  });

  it("reads snapshots only under the same fold code: an edited hand-written evolve step under the same spec hash folds from the events", async () => {
    const tenant = freshTenant();
    type Step = (state: Parameters<typeof account.evolve>[0], event: never) => Parameters<typeof account.evolve>[0];
    // As generated code lists the hand-written steps its evolve calls; only their source differs.
    const once: Step = (state) => state;
    const edited: Step = (state) => ({ ...state, tags: [...state.tags, "edited"] });
    const v1 = accounts(ctx.backend.store, { ...account, snapshotEvery: 3, evolveSteps: [once] });
    const id = await openAccount(v1, tenant);
    await deposits(v1, tenant, id, ["1.00", "1.00", "1.00"]);
    await ctx.backend.db.query(`UPDATE fluvius.snapshots SET state = jsonb_set(state, '{balance}', '"500.00"') WHERE tenant = $1 AND stream_id = $2::uuid`, [
      tenant,
      id,
    ]);
    expect((await v1.get(teller(tenant), id)).balance).toBe("501.00");
    const v2 = accounts(ctx.backend.store, { ...account, snapshotEvery: 3, evolveSteps: [edited] });
    expect(snapshotKey({ ...account, evolveSteps: [edited] })).not.toBe(snapshotKey({ ...account, evolveSteps: [once] }));
    expect(snapshotKey({ ...account, evolveSteps: [edited] }).startsWith(`${account.specHash}.`)).toBe(true);
    // Folded from the three deposits, not from the (tampered) snapshot of the old code.
    expect((await v2.get(teller(tenant), id)).balance).toBe("3.00");
  });

  it("travels in time by version and by recorded time, with and without snapshots", async () => {
    for (const snapshotEvery of [undefined, 2]) {
      const tenant = freshTenant();
      const service = accounts(ctx.backend.store, snapshotsEvery(snapshotEvery));
      const id = await openAccount(service, tenant);
      const steps = [];
      for (const amount of ["10.00", "20.00", "30.00", "40.00", "50.00"]) {
        await pause(3);
        steps.push(...(await deposits(service, tenant, id, [amount])));
      }
      const v3 = await service.getAt(auditor(tenant), id, { version: 3 });
      expect(v3).toMatchObject({ _version: 3, balance: "30.00", _updated: steps[1]!.item._updated });
      const atV4 = await service.getAt(auditor(tenant), id, { at: steps[2]!.events[0]!.recordedAt });
      expect(atV4).toMatchObject({ _version: 4, balance: "60.00" });
      const justBefore = new Date(Date.parse(steps[2]!.events[0]!.recordedAt) - 1).toISOString();
      expect((await service.getAt(auditor(tenant), id, { at: justBefore }))._version).toBe(3);
      expect((await service.getAt(auditor(tenant), id, { version: 6 })).balance).toBe("150.00");
      await expect(service.getAt(auditor(tenant), id, { version: 7 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.getAt(auditor(tenant), id, { at: "2000-01-01T00:00:00.000Z" })).rejects.toBeInstanceOf(NotFoundError);
      await expect(service.getAt(customer(tenant, "someone"), id, { version: 2 })).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it("upcasts old event versions on read and keeps the stored version", async () => {
    const tenant = freshTenant();
    const store = ctx.backend.store.forTenant(tenant);
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    await store.append(
      TYPE,
      id,
      [
        { type: "deposit-made", schemaVersion: 1, data: { amount: "10.00" } },
        { type: "withdrawal-made", schemaVersion: 1, data: { amount: "3.00", memo: "rent" } },
      ],
      { expected: 1 },
    );
    expect((await service.get(teller(tenant), id)).balance).toBe("7.00");
    const { events: history } = await service.history(auditor(tenant), id);
    expect(history[2]).toMatchObject({ storedSchemaVersion: 1, event: { type: "withdrawal-made", version: 2, data: { amount: "3.00", reference: "rent" } } });
    // The stored row is untouched.
    const [raw] = await store.readStream(TYPE, id, { afterVersion: 2 });
    expect(raw).toMatchObject({ schemaVersion: 1, data: { amount: "3.00", memo: "rent" } });
  });

  it("refuses events it cannot read: missing upcaster, newer version, unknown type", async () => {
    const tenant = freshTenant();
    const store = ctx.backend.store.forTenant(tenant);
    const service = accounts(ctx.backend.store);
    const noUpcaster = accounts(ctx.backend.store, { ...account, events: { ...account.events, "withdrawal-made": { version: 2 } } });
    const id = await openAccount(service, tenant);
    await store.append(TYPE, id, [{ type: "withdrawal-made", schemaVersion: 1, data: { amount: "0.00" } }], { expected: 1 });
    await expect(noUpcaster.get(teller(tenant), id)).rejects.toMatchObject({ code: "event-schema", message: expect.stringContaining("No upcaster") });
    const newer = await openAccount(service, tenant);
    await store.append(TYPE, newer, [{ type: "deposit-made", schemaVersion: 2, data: { amount: "1.00" } }], { expected: 1 });
    await expect(service.get(teller(tenant), newer)).rejects.toBeInstanceOf(EventSchemaError);
    const unknown = await openAccount(service, tenant);
    await store.append(TYPE, unknown, [{ type: "account-frozen", schemaVersion: 1, data: {} }], { expected: 1 });
    await expect(service.get(teller(tenant), unknown)).rejects.toMatchObject({ code: "event-schema", eventType: "account-frozen" });
  });
}
