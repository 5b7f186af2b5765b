import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAggregateService,
  createStore,
  pgDatabase,
  startReactionWorkers,
  startSubscription,
  type Actor,
  type EventStore,
  type StoredEvent,
} from "@fluvius/runtime";
import { shopDomain } from "./fixtures/shop-reactions.js";
import { freshTenant, pgliteBackend, postgresBackend, type Backend } from "./helpers/backends.js";

/**
 * Workers polling once a minute still react within moments: a commit wakes them. The
 * commands go through a second store: on PostgreSQL one on a pool of its own, so only the
 * server's NOTIFY can reach the workers; on PGlite (one process) another store object on
 * the same database, which the in-process signal reaches.
 */
const MINUTE = 60_000;
const PROMPTLY_MS = 5_000;

interface Setup {
  readonly backend: Backend;
  /** Where the commands are sent from. */
  readonly writer: EventStore;
  close(): Promise<void>;
}

const setups: [string, () => Promise<Setup>][] = [
  [
    "PGlite",
    async () => {
      const backend = await pgliteBackend();
      return { backend, writer: createStore(backend.db), close: () => backend.close() };
    },
  ],
  [
    "PostgreSQL",
    async () => {
      const backend = await postgresBackend(4);
      const other = pgDatabase({ connectionString: backend.url!, max: 2 });
      return {
        backend,
        writer: createStore(other),
        async close() {
          await other.close();
          await backend.close();
        },
      };
    },
  ],
];

const clerk = (tenant: string): Actor => ({ id: "00000000-0000-4000-8000-00000000c1e4", tenant, roles: ["clerk"] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (await condition()) return true;
  return condition();
}

/** Until the workers' LISTEN session is up (PostgreSQL): a commit before it would only be polled for. */
async function listening(backend: Backend): Promise<void> {
  if (backend.name !== "postgres") return;
  const sessions = () =>
    backend.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'");
  expect(await waitFor(async () => ((await sessions())[0]?.n ?? 0) > 0, PROMPTLY_MS)).toBe(true);
}

describe.each(setups)("workers wake on commit on %s", (_name, open) => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await open();
  });
  afterAll(async () => {
    await setup?.close();
  });

  it("a reaction worker polling once a minute reserves stock within seconds of the order", async () => {
    const tenant = freshTenant();
    const domain = shopDomain(`shop${randomUUID().slice(0, 8)}`);
    const [order, stock] = domain.aggregates.map((a) => createAggregateService(setup.writer, a.definition, { policy: domain.policy }));
    const stockId = (await stock!.execute({ action: "receive", payload: { quantity: 10 }, actor: clerk(tenant) })).streamId;
    const reserved = async () => ((await stock!.get(clerk(tenant), stockId)) as { reserved: number }).reserved;
    const place = () => order!.execute({ action: "place", payload: { lines: [{ stockId, quantity: 1 }] }, actor: clerk(tenant) });
    const options = { domains: [domain], pollIntervalMs: MINUTE, holder: "wake-test" };

    // The control: without the wake-up the first pass is all there is for a minute.
    const polling = startReactionWorkers(setup.backend.store, { ...options, wakeOnCommit: false });
    await sleep(300);
    await place();
    const reservedByPolling = await waitFor(async () => (await reserved()) > 0, 1_500);
    await polling.stop();
    expect(reservedByPolling).toBe(false);

    const workers = startReactionWorkers(setup.backend.store, options);
    try {
      await listening(setup.backend);
      expect(await waitFor(async () => (await reserved()) === 1, PROMPTLY_MS)).toBe(true); // the first pass finds the earlier order
      await sleep(300); // idle now, for a minute
      const started = Date.now();
      await place();
      expect(await waitFor(async () => (await reserved()) === 2, PROMPTLY_MS)).toBe(true);
      expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
    } finally {
      await workers.stop();
    }
  });

  it("a subscription polling once a minute delivers a commit of its stream type within seconds", async () => {
    const tenant = freshTenant();
    const seen: StoredEvent[] = [];
    const subscription = startSubscription(setup.backend.store, {
      name: `wake-${tenant}`,
      tenant,
      streamTypes: ["wake.thing"],
      pollIntervalMs: MINUTE,
      handle: (e) => void seen.push(e),
    });
    try {
      await listening(setup.backend);
      await sleep(300);
      await setup.writer.forTenant(tenant).append("wake.thing", randomUUID(), [{ type: "happened", schemaVersion: 1, data: {} }], { expected: "no-stream" });
      expect(await waitFor(async () => seen.length === 1, PROMPTLY_MS)).toBe(true);
    } finally {
      await subscription.stop();
    }
  });

  it("tells of a transaction's appends once it has committed, and of a rolled-back one never", async () => {
    const tenant = freshTenant();
    const heard: (string | undefined)[] = [];
    const unsubscribe = setup.backend.store.onCommit((streamType) => void heard.push(streamType));
    const event = { type: "happened", schemaVersion: 1, data: {} };
    try {
      await listening(setup.backend);
      await setup.writer.transaction(async (tx) => {
        await tx.forTenant(tenant).append("wake.committed", randomUUID(), [event], { expected: "no-stream" });
        await sleep(100);
        expect(heard).not.toContain("wake.committed");
      });
      expect(await waitFor(async () => heard.includes("wake.committed"), PROMPTLY_MS)).toBe(true);
      const rolledBack = setup.writer.transaction(async (tx) => {
        await tx.forTenant(tenant).append("wake.rolled-back", randomUUID(), [event], { expected: "no-stream" });
        throw new Error("changed my mind");
      });
      await expect(rolledBack).rejects.toThrow("changed my mind");
      await sleep(300);
      expect(heard).not.toContain("wake.rolled-back");
    } finally {
      unsubscribe();
    }
  });
});
