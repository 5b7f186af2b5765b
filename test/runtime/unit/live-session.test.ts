/**
 * The live session on a hand-driven feed: the seam between catch-up and the feed, the tenant,
 * views, and how a slow client is dropped instead of growing memory.
 */
import { describe, expect, test } from "vitest";
import type { Actor } from "@fluvius/runtime/internal/runtime/actor";
import type { LiveSource } from "@fluvius/runtime/internal/runtime/live/channels";
import type { FeedListener, LiveFeed } from "@fluvius/runtime/internal/runtime/live/feed";
import { parsePosition, formatPosition } from "@fluvius/runtime/internal/runtime/live/position";
import { type LiveDelivery, LiveSession } from "@fluvius/runtime/internal/runtime/live/session";
import type { Checkpoint, EventStore, ReadCommittedOptions, StoredEvent } from "@fluvius/runtime/internal/runtime/store/types";

const ID = "7d0c1e52-6f3b-4a7e-9f51-1c2b3d4e5f60";
const actor: Actor = { id: "u", tenant: "acme", roles: ["teller"] };

function event(tx: number, version: number, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    tenant: "acme",
    streamType: "bank.account",
    streamId: ID,
    version,
    eventId: `e${tx}`,
    recordedAt: "2026-01-01T00:00:00.000Z",
    actorId: null,
    commandId: null,
    correlationId: null,
    causationId: null,
    metadata: {},
    transactionId: BigInt(tx),
    position: BigInt(tx),
    type: "deposited",
    schemaVersion: 1,
    data: {},
    ...overrides,
  };
}

/** A feed the test pushes batches into, attached at `from`. */
function handFeed(from: Checkpoint): LiveFeed & { push(events: StoredEvent[]): void } {
  const listeners = new Set<FeedListener>();
  return {
    attach: async (listener) => {
      listeners.add(listener);
      return { from, detach: () => void listeners.delete(listener) };
    },
    stop: async () => listeners.clear(),
    push(events) {
      const last = events[events.length - 1];
      if (last) for (const l of listeners) l(events, { transactionId: last.transactionId, position: last.position });
    },
  };
}

/** A store whose log is `events` (readCommitted only). */
function logStore(events: StoredEvent[]): EventStore {
  return {
    readCommitted: async (options: ReadCommittedOptions) =>
      events
        .filter(
          (e) => e.transactionId > options.after.transactionId || (e.transactionId === options.after.transactionId && e.position > options.after.position),
        )
        .filter((e) => options.tenant === undefined || e.tenant === options.tenant)
        .slice(0, options.limit),
  } as unknown as EventStore;
}

const account = (read: (version: number) => Promise<Record<string, unknown> | undefined> = async (v) => ({ _version: v })): LiveSource => ({
  kind: "aggregate",
  name: "bank.account",
  mayRead: () => true,
  read: async (_actor, _id, version) => read(version),
});
const view: LiveSource = { kind: "view", name: "bank.totals", fedBy: new Set(["bank.account/deposited"]), mayRead: () => true };
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

function session(options: { feed: LiveFeed; store?: EventStore; sources?: LiveSource[]; send?: (d: LiveDelivery) => boolean; maxPending?: number }) {
  const sent: LiveDelivery[] = [];
  const closed: string[] = [];
  const live = new LiveSession({
    store: options.store ?? logStore([]),
    feed: options.feed,
    sources: new Map((options.sources ?? [account()]).map((s) => [s.name, s])),
    actor,
    send: (d) => (sent.push(d), options.send?.(d) ?? true),
    onClose: (reason) => closed.push(reason),
    ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
  });
  return { live, sent, closed };
}

describe("live session", () => {
  test("resuming reads the log up to the feed's start, then the feed, each change once", async () => {
    const log = [event(1, 1), event(2, 2), event(3, 3), event(4, 4, { tenant: "globex" })];
    const feed = handFeed({ transactionId: 3n, position: 3n });
    const { live, sent } = session({ feed, store: logStore(log) });
    live.subscribe("bank.account");
    await live.start({ transactionId: 1n, position: 1n });
    feed.push([event(4, 4, { tenant: "globex" }), event(5, 4)]);
    await settle();
    expect(sent.map((d) => d.message.position)).toEqual(["2-2", "3-3", "5-5"]);
    expect(formatPosition(live.position ?? { transactionId: 0n, position: 0n })).toBe("5-5");
  });

  test("a change the reader refuses is not sent, and the position still moves past it", async () => {
    const feed = handFeed({ transactionId: 0n, position: 0n });
    const { live, sent } = session({ feed, sources: [account(async (v) => (v === 2 ? undefined : { _version: v }))] });
    live.subscribe(`bank.account/${ID}`);
    await live.start();
    feed.push([event(1, 1), event(2, 2)]);
    await settle();
    expect(sent.map((d) => [d.channel, d.message.type === "changed" ? d.message.version : 0])).toEqual([[`bank.account/${ID}`, 1]]);
    expect(live.position).toEqual({ transactionId: 2n, position: 2n });
  });

  test("a view channel is told that its rows changed, without them", async () => {
    const feed = handFeed({ transactionId: 0n, position: 0n });
    const { live, sent } = session({ feed, sources: [account(), view] });
    live.subscribe("bank.totals");
    await live.start();
    feed.push([event(1, 1), event(2, 1, { type: "opened" })]);
    await settle();
    expect(sent.map((d) => d.message)).toEqual([{ type: "view-changed", resource: "bank.totals", event: "deposited", position: "1-1" }]);
  });

  test("an asynchronous view's notice waits until its projector passed the change, bounded", async () => {
    const feed = handFeed({ transactionId: 0n, position: 0n });
    let projected: Checkpoint = { transactionId: 0n, position: 0n };
    const store = { ...logStore([]), loadCheckpoint: async () => projected } as unknown as EventStore;
    const asyncView: LiveSource = { ...view, projector: "view:bank.totals" };
    const { live, sent } = session({ feed, store, sources: [asyncView] });
    live.subscribe("bank.totals");
    await live.start();
    feed.push([event(1, 1)]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sent).toEqual([]);
    projected = { transactionId: 1n, position: 1n };
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sent.map((d) => d.message.position)).toEqual(["1-1"]);
  });

  test("a client that cannot take more is dropped as too slow", async () => {
    const feed = handFeed({ transactionId: 0n, position: 0n });
    const { live, sent, closed } = session({ feed, send: () => false });
    live.subscribe("bank.account");
    await live.start();
    feed.push([event(1, 1), event(2, 2)]);
    await settle();
    expect(sent).toHaveLength(1);
    expect(closed).toEqual(["too-slow"]);
  });

  test("changes piling up behind a slow read drop the client, bounded", async () => {
    const feed = handFeed({ transactionId: 0n, position: 0n });
    let release = () => undefined as void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const { live, closed } = session({ feed, maxPending: 5, sources: [account(async (v) => (await blocked, { _version: v }))] });
    live.subscribe("bank.account");
    await live.start();
    feed.push([event(1, 1)]);
    feed.push(Array.from({ length: 10 }, (_, i) => event(i + 2, i + 2)));
    expect(closed).toEqual(["too-slow"]);
    release();
  });

  test("unknown channels and positions are refused with stable codes", () => {
    const { live } = session({ feed: handFeed({ transactionId: 0n, position: 0n }) });
    expect(() => live.subscribe("bank.nothing")).toThrow(expect.objectContaining({ code: "unknown-channel", status: 400 }));
    expect(() => live.subscribe("bank.totals/x")).toThrow(expect.objectContaining({ code: "unknown-channel" }));
    expect(parsePosition("12-3")).toEqual({ transactionId: 12n, position: 3n });
    expect(parsePosition("12")).toBeUndefined();
    expect(parsePosition("99999999999999999999-1")).toBeUndefined();
  });
});
