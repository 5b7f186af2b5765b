import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { catchUp, VersionConflictError, type AppendResult, type StoredEvent } from "@fluvius/runtime";
import { freshTenant, postgresBackend, type Backend } from "./helpers/backends.js";

/**
 * The failure peer stores have: a reader paging by position alone skips an event whose
 * transaction took a position first but committed last. Made deterministic here by holding
 * one transaction open; the stress test shows the same under load.
 */
let backend: Backend;
beforeAll(async () => {
  backend = await postgresBackend(4);
});
afterAll(async () => {
  await backend?.close();
});

const TYPE = "test.late";
const event = { type: "happened", schemaVersion: 1, data: {} };

it("a subscription never skips an event that commits after a later position; a position-only reader does", async () => {
  const tenant = freshTenant();
  const store = backend.store;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let opened!: (r: AppendResult) => void;
  const appendedInSlowTx = new Promise<AppendResult>((r) => (opened = r));

  // 1. A transaction appends (takes position p1) and stays open.
  const slow = store.transaction(async (tx) => {
    opened(await tx.forTenant(tenant).append(TYPE, randomUUID(), [event], { expected: "no-stream" }));
    await gate;
  });
  try {
    await checkLateCommit(tenant, await appendedInSlowTx, async () => {
      release();
      await slow;
    });
  } finally {
    release(); // a failed expectation must not leave the transaction (and the pool) hanging
    await slow;
  }
});

async function checkLateCommit(tenant: string, early: AppendResult, commitSlow: () => Promise<void>) {
  const store = backend.store;
  // 2. Another append takes p2 > p1 and commits first.
  const late = await store.forTenant(tenant).append(TYPE, randomUUID(), [event], { expected: "no-stream" });
  expect(late.events[0]!.position > early.events[0]!.position).toBe(true);

  // A naive reader: "position > last seen".
  let last = 0n;
  const naiveSeen: string[] = [];
  const naivePoll = async () => {
    const rows = await backend.db.query<{ event_id: string; position: string }>(
      "SELECT event_id::text, position::text FROM fluvius.events WHERE tenant = $1 AND position > $2::bigint ORDER BY position",
      [tenant, last.toString()],
    );
    for (const r of rows) {
      naiveSeen.push(r.event_id);
      last = BigInt(r.position);
    }
  };
  const subscribed: StoredEvent[] = [];
  const subscription = { name: "late-commit", tenant, handle: (e: StoredEvent) => void subscribed.push(e) };

  await naivePoll();
  expect(naiveSeen).toEqual([late.events[0]!.eventId]); // it moved past p1 …
  expect(await catchUp(store, subscription)).toBe(0); // … the subscription waits behind the open transaction

  await commitSlow();
  await naivePoll();
  expect(await catchUpAll(subscription, 2)).toBe(2);

  expect(naiveSeen).not.toContain(early.events[0]!.eventId); // lost for good
  expect(subscribed.map((e) => e.eventId)).toEqual([early.events[0]!.eventId, late.events[0]!.eventId]);
}

it("refuses an append from a transaction older than the stream's last writer, so each stream is delivered in version order", async () => {
  const tenant = freshTenant();
  const store = backend.store;
  const hot = randomUUID();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const hasTransactionId = new Promise<void>((r) => (started = r));

  // An older transaction (it wrote elsewhere first, so its id is the smaller one) …
  const older = store.transaction(async (tx) => {
    await tx.forTenant(tenant).append(TYPE, randomUUID(), [event], { expected: "no-stream" });
    started();
    await gate;
    return tx.forTenant(tenant).append(TYPE, hot, [event], { expected: 1 });
  });
  const outcome = older.then(
    () => "appended",
    (e: unknown) => e,
  );
  await hasTransactionId;
  // … and a newer one that writes version 1 of the stream and commits first.
  await store.forTenant(tenant).append(TYPE, hot, [event], { expected: "no-stream" });
  release();
  // Appending version 2 with the smaller transaction id would make subscriptions (ordered by
  // transaction id) deliver version 2 before version 1: refused; retrying in a new transaction works.
  expect(await outcome).toBeInstanceOf(VersionConflictError);
  await store.forTenant(tenant).append(TYPE, hot, [event], { expected: 1 });

  const versions: number[] = [];
  await catchUpAll({ name: "order", tenant, handle: (e: StoredEvent) => void (e.streamId === hot && versions.push(e.version)) }, 3);
  expect(versions).toEqual([1, 2]);
});

/**
 * The fence is the oldest transaction running anywhere on the server (transaction ids are
 * cluster-wide), so another test's open transaction can hold delivery back for a moment:
 * keep catching up, as a running subscription would, until the events are in.
 */
async function catchUpAll(subscription: Parameters<typeof catchUp>[1], expected: number): Promise<number> {
  let delivered = 0;
  for (let attempt = 0; attempt < 200 && delivered < expected; attempt++) {
    delivered += await catchUp(backend.store, subscription);
    if (delivered < expected) await new Promise((r) => setTimeout(r, 25));
  }
  return delivered;
}
