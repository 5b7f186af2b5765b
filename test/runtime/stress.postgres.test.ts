import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { catchUp, startSubscription, VersionConflictError, type StoredEvent } from "@fluvius/runtime";
import { freshTenant, postgresBackend, type Backend } from "./helpers/backends.js";
import { accountRow, accounts, openAccount, teller, type AccountService } from "./helpers/banking.js";

/**
 * 16 concurrent writers on one stream, then on many streams, on the PostgreSQL server. Each
 * writer has its own service, as 16 processes would (one service queues its own commands on
 * a stream, so only separate services race for it and meet the version check).
 * Meanwhile a catch-up subscription and a naive "position > last" reader read the tenant's
 * events. The load also has a few batch transactions that stay open a little before they
 * commit (an import, say): exactly the late commits that make position-only readers skip.
 */
const WRITERS = 16;
const COMMANDS_PER_WRITER = 25;

let backend: Backend;
beforeAll(async () => {
  backend = await postgresBackend(WRITERS + 6);
});
afterAll(async () => {
  await backend?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  readonly commandId: string;
  readonly streamId: string;
  readonly committed: boolean;
}

/** Each writer deposits 1.00 per command; every command either commits or is cleanly rejected. */
async function writers(tenant: string, pickStream: () => string): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const service = accounts(backend.store);
      for (let i = 0; i < COMMANDS_PER_WRITER; i++) {
        const commandId = randomUUID();
        const streamId = pickStream();
        try {
          await service.execute({ action: "deposit", streamId, commandId, payload: { amount: "1.00" }, actor: teller(tenant) });
          outcomes.push({ commandId, streamId, committed: true });
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error;
          outcomes.push({ commandId, streamId, committed: false });
        }
      }
    }),
  );
  return outcomes;
}

/** Appends batches in transactions that commit 20 ms after taking their positions. */
async function slowBatches(tenant: string, until: () => boolean): Promise<number> {
  let batches = 0;
  const stream = randomUUID();
  while (!until()) {
    await backend.store.transaction(async (tx) => {
      await tx.forTenant(tenant).append("stress.import", stream, [{ type: "imported", schemaVersion: 1, data: { batch: batches } }], { expected: "any" });
      await sleep(20);
    });
    batches++;
  }
  return batches;
}

async function checkStreams(service: AccountService, tenant: string, outcomes: readonly Outcome[]) {
  const streams = new Set(outcomes.map((o) => o.streamId));
  for (const streamId of streams) {
    const mine = outcomes.filter((o) => o.streamId === streamId);
    const committed = mine.filter((o) => o.committed);
    const events = await backend.store.forTenant(tenant).readStream("banking.account", streamId, { limit: 10_000 });
    // No lost, duplicated or out-of-order versions: exactly 1..n.
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: committed.length + 1 }, (_, i) => i + 1));
    // Each committed command appended exactly one event; a rejected one appended none.
    const byCommand = new Map<string, number>();
    for (const e of events) if (e.commandId) byCommand.set(e.commandId, (byCommand.get(e.commandId) ?? 0) + 1);
    for (const o of mine) expect(byCommand.get(o.commandId) ?? 0).toBe(o.committed ? 1 : 0);
    const balance = `${committed.length}.00`;
    expect((await service.get(teller(tenant), streamId)).balance).toBe(balance);
    expect(await accountRow(backend.db, tenant, streamId)).toMatchObject({ _version: committed.length + 1, balance });
  }
}

it("loses, duplicates or reorders nothing under 16 concurrent writers; the subscription misses nothing, a position-only reader does", async () => {
  const tenant = freshTenant("stress");
  const service = accounts(backend.store);

  // Readers, running during all the writes.
  const delivered: StoredEvent[] = [];
  const subscription = { name: "stress", tenant, batchSize: 200, handle: (e: StoredEvent) => void delivered.push(e) };
  const running = startSubscription(backend.store, { ...subscription, pollIntervalMs: 2 });
  const naiveSeen = new Set<string>();
  let done = false;
  const naive = (async () => {
    let last = 0n;
    while (!done) {
      const rows = await backend.db.query<{ event_id: string; position: string }>(
        "SELECT event_id::text, position::text FROM fluvius.events WHERE tenant = $1 AND position > $2::bigint ORDER BY position LIMIT 500",
        [tenant, last.toString()],
      );
      for (const r of rows) {
        naiveSeen.add(r.event_id);
        last = BigInt(r.position);
      }
      await sleep(1);
    }
  })();
  const batches = slowBatches(tenant, () => done);

  // Phase 1: one hot stream.
  const hot = await openAccount(service, tenant);
  const hotOutcomes = await writers(tenant, () => hot);
  // Phase 2: many streams.
  const many = await Promise.all(Array.from({ length: 32 }, () => openAccount(service, tenant)));
  const manyOutcomes = await writers(tenant, () => many[Math.floor(Math.random() * many.length)]!);

  done = true;
  await Promise.all([naive, batches]);
  await running.stop();
  await catchUp(backend.store, subscription); // whatever the running loop had not reached yet

  const hotCommitted = hotOutcomes.filter((o) => o.committed).length;
  expect(hotOutcomes).toHaveLength(WRITERS * COMMANDS_PER_WRITER);
  expect(hotCommitted).toBeGreaterThan(0);
  expect(manyOutcomes.filter((o) => o.committed).length).toBeGreaterThan(WRITERS * COMMANDS_PER_WRITER * 0.9);
  await checkStreams(service, tenant, hotOutcomes);
  await checkStreams(service, tenant, manyOutcomes);

  const all = await backend.db.query<{ event_id: string }>("SELECT event_id::text FROM fluvius.events WHERE tenant = $1", [tenant]);
  const ids = all.map((r) => r.event_id);
  // The subscription: every event exactly once, each stream in version order.
  expect(delivered.length).toBe(ids.length);
  expect(new Set(delivered.map((e) => e.eventId))).toEqual(new Set(ids));
  const lastVersion = new Map<string, number>();
  for (const e of delivered) {
    expect(e.version).toBe((lastVersion.get(e.streamId) ?? 0) + 1);
    lastVersion.set(e.streamId, e.version);
  }
  // The naive reader, under the same load, lost events for good.
  const missed = ids.filter((id) => !naiveSeen.has(id));
  expect(missed.length).toBeGreaterThan(0);
  console.log(
    `stress: ${ids.length} events; hot stream ${hotCommitted}/${hotOutcomes.length} committed (rest rejected with version-conflict); ` +
      `position-only reader missed ${missed.length}, the subscription none`,
  );
}, 120_000);
