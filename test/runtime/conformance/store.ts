import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { DuplicateEventError, InvalidArgumentError, VersionConflictError, type NewEvent } from "@fluvius/runtime";
import { freshTenant } from "../helpers/backends.js";
import type { SuiteContext } from "./context.js";

const TYPE = "test.thing";
const ev = (n: number): NewEvent => ({ type: "happened", schemaVersion: 1, data: { n } });

export function storeTests(ctx: SuiteContext): void {
  it("appends to a new stream with consecutive versions and increasing positions", async () => {
    const store = ctx.backend.store.forTenant(freshTenant());
    const id = randomUUID();
    const result = await store.append(TYPE, id, [ev(1), ev(2), ev(3)], { expected: "no-stream" });
    expect(result.fromVersion).toBe(0);
    expect(result.version).toBe(3);
    expect(result.events.map((e) => e.version)).toEqual([1, 2, 3]);
    const positions = result.events.map((e) => e.position);
    expect(positions[1]! > positions[0]! && positions[2]! > positions[1]!).toBe(true);
    const read = await store.readStream(TYPE, id);
    expect(read.map((e) => [e.version, e.type, e.schemaVersion, e.data])).toEqual([
      [1, "happened", 1, { n: 1 }],
      [2, "happened", 1, { n: 2 }],
      [3, "happened", 1, { n: 3 }],
    ]);
    expect(read.map((e) => e.eventId)).toEqual(result.events.map((e) => e.eventId));
  });

  it("enforces an exact expected version, and reports a stale one as a version conflict", async () => {
    const store = ctx.backend.store.forTenant(freshTenant());
    const id = randomUUID();
    await store.append(TYPE, id, [ev(1)], { expected: "no-stream" });
    const second = await store.append(TYPE, id, [ev(2)], { expected: 1 });
    expect(second.version).toBe(2);
    await expect(store.append(TYPE, id, [ev(3)], { expected: 1 })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store.append(TYPE, id, [ev(3)], { expected: 5 })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store.append(TYPE, randomUUID(), [ev(1)], { expected: 1 })).rejects.toBeInstanceOf(VersionConflictError);
    expect((await store.readStream(TYPE, id)).length).toBe(2);
  });

  it("enforces must-not-exist ('no-stream' and 0) and lets 'any' append anywhere", async () => {
    const store = ctx.backend.store.forTenant(freshTenant());
    const id = randomUUID();
    await store.append(TYPE, id, [ev(1)], { expected: 0 });
    await expect(store.append(TYPE, id, [ev(2)], { expected: "no-stream" })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store.append(TYPE, id, [ev(2)], { expected: 0 })).rejects.toBeInstanceOf(VersionConflictError);
    const any = await store.append(TYPE, id, [ev(2), ev(3)], { expected: "any" });
    expect([any.fromVersion, any.version]).toEqual([1, 3]);
    const fresh = await store.append(TYPE, randomUUID(), [ev(1)], { expected: "any" });
    expect([fresh.fromVersion, fresh.version]).toEqual([0, 1]);
  });

  it("lets exactly one of many concurrent writers with the same expected version win", async () => {
    const store = ctx.backend.store.forTenant(freshTenant());
    const id = randomUUID();
    await store.append(TYPE, id, [ev(0)], { expected: "no-stream" });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => store.append(TYPE, id, [ev(i)], { expected: 1 })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(VersionConflictError);
    expect((await store.readStream(TYPE, id)).map((e) => e.version)).toEqual([1, 2]);
  });

  it("never loses or duplicates versions under concurrent 'any' appends", async () => {
    const store = ctx.backend.store.forTenant(freshTenant());
    const id = randomUUID();
    // 64 writers on one stream: with 5 attempts and no backoff, about one in six failed on PostgreSQL.
    await Promise.all(Array.from({ length: 64 }, (_, i) => store.append(TYPE, id, [ev(i), ev(i)], { expected: "any" })));
    const versions = (await store.readStream(TYPE, id)).map((e) => e.version);
    expect(versions).toEqual(Array.from({ length: 128 }, (_, i) => i + 1));
  });

  it("refuses an event id already stored instead of dropping or duplicating the event", async () => {
    const store = ctx.backend.store.forTenant(freshTenant());
    const eventId = randomUUID();
    await store.append(TYPE, randomUUID(), [{ ...ev(1), eventId }], { expected: "no-stream" });
    const other = randomUUID();
    await expect(store.append(TYPE, other, [{ ...ev(2), eventId }], { expected: "no-stream" })).rejects.toBeInstanceOf(DuplicateEventError);
    expect(await store.streamInfo(TYPE, other)).toBeNull();
  });

  it("rejects malformed arguments with a typed error", async () => {
    const store = ctx.backend.store.forTenant(freshTenant());
    await expect(store.append(TYPE, "not-a-uuid", [ev(1)], { expected: "any" })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.append(TYPE, randomUUID(), [], { expected: "any" })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.append(TYPE, randomUUID(), [ev(1)], { expected: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => ctx.backend.store.forTenant("")).toThrow(InvalidArgumentError);
    expect(() => ctx.backend.store.forTenant("*")).toThrow(InvalidArgumentError);
  });

  it("records metadata: actor, command, correlation and causation ids, extra metadata", async () => {
    const store = ctx.backend.store.forTenant(freshTenant());
    const id = randomUUID();
    const result = await store.append(TYPE, id, [ev(1)], {
      expected: "no-stream",
      actorId: "user-7",
      commandId: "cmd-1",
      correlationId: "corr-1",
      causationId: "cause-1",
      metadata: { ip: "10.0.0.1" },
    });
    const [e] = await store.readStream(TYPE, id);
    expect(e).toMatchObject({
      tenant: store.tenant,
      streamType: TYPE,
      streamId: id,
      actorId: "user-7",
      commandId: "cmd-1",
      correlationId: "corr-1",
      causationId: "cause-1",
      metadata: { ip: "10.0.0.1" },
      recordedAt: result.recordedAt,
      position: result.events[0]!.position,
      transactionId: result.events[0]!.transactionId,
    });
    expect(e!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("never records a time earlier than the stream's latest event", async () => {
    const store = ctx.backend.store.forTenant(freshTenant());
    const id = randomUUID();
    await store.commit({ streamType: TYPE, streamId: id, events: [ev(1)], expected: "no-stream", recordedAt: "2030-01-01T00:00:00.000Z" });
    const later = await store.commit({ streamType: TYPE, streamId: id, events: [ev(2)], expected: 1, recordedAt: "2020-01-01T00:00:00.000Z" });
    expect(later.recordedAt).toBe("2030-01-01T00:00:00.000Z");
    const any = await store.append(TYPE, id, [ev(3)], { expected: "any" });
    expect(any.recordedAt).toBe("2030-01-01T00:00:00.000Z");
    const times = (await store.readStream(TYPE, id)).map((e) => e.recordedAt);
    expect(times).toEqual([...times].sort());
  });

  it("keeps the event log append-only: UPDATE and DELETE are refused", async () => {
    const tenant = freshTenant();
    await ctx.backend.store.forTenant(tenant).append(TYPE, randomUUID(), [ev(1)], { expected: "no-stream" });
    await expect(ctx.backend.db.query("UPDATE fluvius.events SET data = '{}' WHERE tenant = $1", [tenant])).rejects.toThrow(/append-only/);
    await expect(ctx.backend.db.query("DELETE FROM fluvius.events WHERE tenant = $1", [tenant])).rejects.toThrow(/append-only/);
  });

  it("appends to several streams in one transaction, all or nothing", async () => {
    const tenant = freshTenant();
    const [a, b] = [randomUUID(), randomUUID()];
    await ctx.backend.store.transaction(async (tx) => {
      await tx.forTenant(tenant).append(TYPE, a, [ev(1)], { expected: "no-stream" });
      await tx.forTenant(tenant).append(TYPE, b, [ev(1)], { expected: "no-stream" });
    });
    const store = ctx.backend.store.forTenant(tenant);
    expect((await store.streamInfo(TYPE, a))?.version).toBe(1);
    const c = randomUUID();
    await expect(
      ctx.backend.store.transaction(async (tx) => {
        await tx.forTenant(tenant).append(TYPE, c, [ev(1)], { expected: "no-stream" });
        await tx.forTenant(tenant).append(TYPE, b, [ev(2)], { expected: 5 });
      }),
    ).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.streamInfo(TYPE, c)).toBeNull();
    expect((await store.readStream(TYPE, b)).length).toBe(1);
  });
}
