/**
 * Reactions: a `pinged` event → the reaction `credit-on-ping` → a deposit command on the
 * banking account it names (bench/runtime/reaction-domain.ts), run by `startReactionWorkers`.
 *
 *   throughput  `events` pings (appends of 10, untimed) waiting, then the workers start:
 *               the time until the reaction's checkpoint passes the last one, every
 *               deposit committed (events/s from commit to the reaction's command committed);
 *   catch-up    the floor, in the same round: `catchUp` over as many pings written the same
 *               way under a stream type of their own (so the reaction never sees them),
 *               filtered by stream type as the reaction reads, the handler doing nothing;
 *   latency     workers running with default settings, `pings` ping commands one at a time,
 *               `spacingMs` apart (so the workers are idle in between): per ping, the
 *               deposit's recorded time minus the ping's (both the database's clock);
 *               with `wakeOnCommit: false` too, which is how the workers ran before.
 */
import { randomUUID } from "node:crypto";
import { catchUp, createAggregateService, createStore, startReactionWorkers, type Checkpoint, type EventStore } from "@fluvius/runtime";
import { account, policy, prepareFluviusSchema, teller, TENANT } from "../banking.js";
import { benchDomain, ping, REACTION_CHECKPOINT, sender } from "../reaction-domain.js";
import type { Connection, Connector } from "../target.js";
import { inParallel, readAll } from "../throughput.js";

const ACCOUNTS = 100;
const PER_APPEND = 10;
const PING_TYPE = "bench.ping";
/** The floor's pings: the same events where the reaction, which reads bench.ping, never looks. */
const FLOOR_TYPE = "bench.floor";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const passed = (c: Checkpoint, target: Checkpoint) =>
  c.transactionId > target.transactionId || (c.transactionId === target.transactionId && c.position >= target.position);

export interface ReactionThroughputRun {
  readonly events: number;
  readonly perSecond: number;
}

export interface LatencyRun {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
}

export type LatencyVariant = "wake" | "poll-only";

/** The latest event of a stream type: where a fresh reader of the next events starts. */
async function headOf(connection: Connection, streamType: string): Promise<Checkpoint> {
  const [row] = await connection.db.query<{ tx_id: string; position: string }>(
    // Qualified: a bare `tx_id` in ORDER BY would be the text output column, sorted as text.
    "SELECT e.tx_id::text AS tx_id, e.position::text AS position FROM fluvius.events e WHERE e.stream_type = $1::text ORDER BY e.tx_id DESC, e.position DESC LIMIT 1",
    [streamType],
  );
  return row ? { transactionId: BigInt(row.tx_id), position: BigInt(row.position) } : { transactionId: 0n, position: 0n };
}

async function untilPassed(store: EventStore, target: Checkpoint, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!passed(await store.loadCheckpoint(REACTION_CHECKPOINT), target)) {
    if (performance.now() > end) throw new Error(`the reaction did not reach the last ping within ${timeoutMs} ms`);
    // Often enough for runs of seconds, rarely enough not to compete with the worker (on
    // PGlite every query queues on its one connection).
    await sleep(10);
  }
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export function fluviusReactions(connector: Connector) {
  let connection: Connection | undefined;
  let store: EventStore | undefined;
  const accountIds: string[] = [];
  let runs = 0;

  const ready = () => {
    if (!connection || !store) throw new Error("setup first");
    return { connection, store };
  };

  /** Writes `events` pings nobody has read yet, and returns where they start and end. */
  async function backlog(streamType: string, events: number): Promise<{ from: Checkpoint; to: Checkpoint }> {
    const { connection, store } = ready();
    if (events % (ACCOUNTS * PER_APPEND) !== 0) throw new RangeError(`events must be a multiple of ${ACCOUNTS * PER_APPEND}`);
    const from = await headOf(connection, streamType);
    const tenant = store.forTenant(TENANT);
    const concurrency = connector.target.backend === "postgres" ? connector.target.poolSize : 1;
    await inParallel(ACCOUNTS, concurrency, async (i) => {
      const pinged = { type: "pinged", schemaVersion: 1, data: { accountId: accountIds[i]! } };
      for (let n = 0; n < events / ACCOUNTS / PER_APPEND; n++) {
        await tenant.append(
          streamType,
          randomUUID(),
          Array.from({ length: PER_APPEND }, () => pinged),
          { expected: "no-stream", actorId: sender.id },
        );
      }
    });
    return { from, to: await headOf(connection, streamType) };
  }

  return {
    async setup(): Promise<void> {
      connection = await connector.connect();
      await prepareFluviusSchema(connection.db);
      store = createStore(connection.db);
      const accounts = createAggregateService(store, account, { policy });
      for (let i = 0; i < ACCOUNTS; i++) {
        const opened = await accounts.execute({ action: "open-account", payload: { customerId: randomUUID(), accountType: "checking" }, actor: teller });
        accountIds.push(opened.streamId);
      }
    },

    async throughput(events: number): Promise<ReactionThroughputRun> {
      const { store } = ready();
      const { to } = await backlog(PING_TYPE, events);
      const start = performance.now();
      const workers = startReactionWorkers(store, { domains: [benchDomain] });
      try {
        await untilPassed(store, to, 600_000);
      } finally {
        await workers.stop();
      }
      const ms = performance.now() - start;
      return { events, perSecond: (events * 1000) / ms };
    },

    async catchUpFloor(events: number): Promise<ReactionThroughputRun> {
      const { store } = ready();
      const { from } = await backlog(FLOOR_TYPE, events);
      const name = `bench-floor-${++runs}`;
      await store.saveCheckpoint(name, from);
      const start = performance.now();
      await readAll(events, () => catchUp(store, { name, streamTypes: [FLOOR_TYPE], batchSize: 100, handle: () => undefined }), "catch-up");
      const ms = performance.now() - start;
      return { events, perSecond: (events * 1000) / ms };
    },

    async latency(variant: LatencyVariant, pings: number, spacingMs: number): Promise<LatencyRun> {
      const { connection, store } = ready();
      const pinger = createAggregateService(store, ping, { policy: benchDomain.policy });
      const workers = startReactionWorkers(store, { domains: [benchDomain], ...(variant === "poll-only" && { wakeOnCommit: false }) });
      const eventIds: string[] = [];
      try {
        await sleep(300); // past the first pass: idle, as a worker is between commands
        for (let i = 0; i < pings; i++) {
          const result = await pinger.execute({ action: "ping", payload: { accountId: accountIds[i % ACCOUNTS]! }, actor: sender });
          eventIds.push(result.events[0]!.eventId);
          await sleep(spacingMs);
        }
        await untilPassed(store, await headOf(connection, PING_TYPE), 60_000);
      } finally {
        await workers.stop();
      }
      const rows = await connection.db.query<{ ms: number }>(
        `SELECT (extract(epoch FROM d.recorded_at - p.recorded_at) * 1000)::float8 AS ms
           FROM fluvius.events p JOIN fluvius.events d ON d.tenant = p.tenant AND d.causation_id = p.event_id::text
          WHERE p.tenant = $1::text AND p.event_id = ANY ($2::uuid[])`,
        [TENANT, eventIds],
      );
      if (rows.length !== pings) throw new Error(`${rows.length} of ${pings} pings got their deposit`);
      const sorted = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
      return { samples: pings, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    },

    async teardown(): Promise<void> {
      await connection?.release();
      connection = undefined;
    },
  };
}
