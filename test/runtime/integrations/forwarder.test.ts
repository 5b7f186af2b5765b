/**
 * The forwarder over a PGlite store and the real NATS server: only public events leave, in
 * commit order, and a pass that publishes again (a crash between publish and checkpoint, a
 * reset checkpoint) adds nothing to the stream: JetStream drops the copies by message id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DeliveryFailedError,
  connectNatsPublisher,
  createUpcaster,
  forwardPublicEvents,
  forwarderSubscription,
  publicEventsOf,
  type EventPublisher,
  type EventStore,
  type NatsPublisher,
  type PublishAck,
  type ReadCommittedOptions,
  type StoredEvent,
} from "@fluvius/runtime";
import { freshTenant, pgliteBackend, type Backend } from "../helpers/backends.js";
import { rejection } from "../helpers/rejection.js";
import { NATS_URL, natsFixture, type NatsFixture } from "./nats-helpers.js";
import { order, recordShopEvents, shopDomain, stock, type Appended } from "./shop.js";

let backend: Backend;
let nats: NatsFixture;
const publishers: NatsPublisher[] = [];
beforeAll(async () => {
  [backend, nats] = await Promise.all([pgliteBackend(), natsFixture()]);
});
afterAll(async () => {
  await Promise.all(publishers.map((p) => p.close()));
  await Promise.all([nats?.cleanUp(), backend?.close()]);
});

async function publisher(): Promise<NatsPublisher> {
  const p = await connectNatsPublisher({ url: NATS_URL, subjectPrefix: nats.prefix("fwd") });
  publishers.push(p);
  return p;
}

const publicEvents = publicEventsOf([shopDomain]);
const isPublic = publicEvents.isPublic;
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const publicIds = (events: readonly Appended[]) => events.filter((e) => e.public).map((e) => e.eventId);

describe("publicEventsOf", () => {
  it("says which events are public: true in the domains", () => {
    expect(isPublic("shop.order", "order-placed")).toBe(true);
    expect(isPublic("shop.order", "order-shipped")).toBe(true);
    expect(isPublic("shop.order", "order-confirmed")).toBe(false);
    expect(isPublic("shop.stock", "stock-received")).toBe(false);
    expect(isPublic("shop.stock", "order-placed")).toBe(false);
    expect(isPublic("billing.order", "order-placed")).toBe(false);
    expect(publicEventsOf([]).isPublic("shop.order", "order-placed")).toBe(false);
    expect(publicEvents.streamTypes).toEqual(["shop.order"]);
    expect(publicEventsOf([]).streamTypes).toEqual([]);
  });
});

describe("forwardPublicEvents", () => {
  // Each test reads from the start of the shared store; the events of earlier tests are public too.
  it("publishes only the public events of every tenant, in commit order, once; a second pass after a reset adds nothing to the stream", async () => {
    const p = await publisher();
    const name = `broker-${nats.prefix()}`;
    const before = await backend.store.readCommitted({ after: { transactionId: 0n, position: 0n }, limit: 100_000 });
    const earlier = before.filter((e) => isPublic(e.streamType, e.type)).map((e) => e.eventId);
    const recorded = await recordShopEvents(backend.store, [freshTenant("a"), freshTenant("b")], 4);
    const expected = [...earlier, ...publicIds(recorded)];
    expect(publicIds(recorded)).toHaveLength(16);

    expect(await forwardPublicEvents(backend.store, { name, publisher: p, publicEvents, batchSize: 5 })).toBe(expected.length);
    const messages = await nats.messages(p.stream);
    expect(messages.map((m) => m.header.get("Nats-Msg-Id"))).toEqual(expected);
    const byId = new Map(recorded.map((e) => [e.eventId, e]));
    for (const m of messages) {
      const source = byId.get(m.header.get("Nats-Msg-Id"));
      if (!source) continue;
      expect(m.subject).toBe(`${p.subjectPrefix}.${source.streamType}.${source.type}`);
      expect(m.header.get("Fluvius-Tenant")).toBe(source.tenant);
      expect(m.header.get("Fluvius-Correlation-Id")).toMatch(/^[0-9a-f-]{36}$/);
    }

    // Caught up: nothing to do.
    expect(await forwardPublicEvents(backend.store, { name, publisher: p, publicEvents })).toBe(0);

    // The checkpoint is lost: every event is published again, and the stream keeps one of each.
    await backend.store.resetCheckpoint(forwarderSubscription(name));
    const acks: PublishAck[] = [];
    const counting: EventPublisher = { publishEvent: async (e) => acks.push(await p.publishEvent(e)) };
    expect(await forwardPublicEvents(backend.store, { name, publisher: counting, publicEvents })).toBe(expected.length);
    expect(acks.every((a) => a.duplicate)).toBe(true);
    expect((await nats.jsm.streams.info(p.stream)).state.messages).toBe(expected.length);
  });

  it("reads only the stream types that have public events, so other aggregates' events cost it nothing", async () => {
    const p = await publisher();
    const read: StoredEvent[] = [];
    const watched: EventStore = Object.create(backend.store, {
      readCommitted: {
        value: async (options: ReadCommittedOptions) => {
          const events = await backend.store.readCommitted(options);
          read.push(...events);
          return events;
        },
      },
    }) as EventStore;
    await recordShopEvents(backend.store, [freshTenant("f")], 2);
    expect(await forwardPublicEvents(watched, { name: `broker-${nats.prefix()}`, publisher: p, publicEvents })).toBeGreaterThan(0);
    expect(read.length).toBeGreaterThan(0);
    expect(new Set(read.map((e) => e.streamType))).toEqual(new Set(["shop.order"]));
    // No public event at all: nothing is read.
    read.length = 0;
    expect(await forwardPublicEvents(watched, { name: `broker-${nats.prefix()}`, publisher: p, publicEvents: publicEventsOf([]) })).toBe(0);
    expect(read).toEqual([]);
  });

  it("after a failure between a publish and the checkpoint, publishes the event again and the stream keeps it once", async () => {
    const p = await publisher();
    const name = `broker-${nats.prefix()}`;
    await recordShopEvents(backend.store, [freshTenant("c")], 3);
    const all = (await backend.store.readCommitted({ after: { transactionId: 0n, position: 0n }, limit: 100_000 })).filter((e) =>
      isPublic(e.streamType, e.type),
    );

    // Publishes the 4th public event, then dies before the checkpoint takes it in.
    let published = 0;
    const crashing: EventPublisher = {
      publishEvent: async (event) => {
        await p.publishEvent(event);
        if (++published === 4) throw new DeliveryFailedError(NATS_URL, { kind: "publish", cause: "crash" }, "crash after publish");
      },
    };
    const error = await rejection(forwardPublicEvents(backend.store, { name, publisher: crashing, publicEvents, batchSize: 100 }));
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect((await nats.jsm.streams.info(p.stream)).state.messages).toBe(4);

    // The next pass starts with the 4th again: its copy is dropped.
    const acks: PublishAck[] = [];
    const recording: EventPublisher = { publishEvent: async (e) => acks.push(await p.publishEvent(e)) };
    expect(await forwardPublicEvents(backend.store, { name, publisher: recording, publicEvents })).toBe(all.length - 3);
    expect(acks.map((a) => a.duplicate)).toEqual([true, ...Array.from({ length: all.length - 4 }, () => false)]);
    expect((await nats.messages(p.stream)).map((m) => m.header.get("Nats-Msg-Id"))).toEqual(all.map((e) => e.eventId));
  });

  it("publishes events as stored, or at their current version with an upcaster", async () => {
    const asStored = await publisher();
    const upcast = await publisher();
    const name = nats.prefix();
    const tenant = freshTenant("u");
    await recordShopEvents(backend.store, [tenant], 1);
    await forwardPublicEvents(backend.store, { name: `${name}-stored`, publisher: asStored, publicEvents });
    await forwardPublicEvents(backend.store, { name: `${name}-upcast`, publisher: upcast, publicEvents, upcast: createUpcaster([order, stock]) });
    const shipped = async (stream: string) => {
      const bodies = (await nats.messages(stream)).map(
        (m) => JSON.parse(text(m.data)) as { event: { type: string; tenant: string; version: number; data: unknown } },
      );
      return bodies.find((b) => b.event.type === "order-shipped" && b.event.tenant === tenant)?.event;
    };
    expect(await shipped(asStored.stream)).toMatchObject({ version: 1, data: { tracking: "TRK-0" } });
    expect(await shipped(upcast.stream)).toMatchObject({ version: 2, data: { trackingNumber: "TRK-0", carrier: "unknown" } });
  });
});
