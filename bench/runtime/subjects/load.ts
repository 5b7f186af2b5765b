/**
 * Loading one long stream: a bank account with `events` events (one opening, then deposits
 * of "1.00"), read back as state.
 *
 * fluvius writes the stream with the store's `append` (in batches) except for one deposit
 * made through the command pipeline `events - 99` events in: with the generated
 * `snapshotEvery: 100` that command stores a snapshot, and 99 more events follow it — the
 * worst case a reader meets with that setting. Then, through `service.get` (one load
 * statement plus the fold, as the API does):
 *   snapshot     the generated definition: snapshot + the 99 events after it;
 *   no-snapshot  the same definition under another spec hash, so no snapshot matches and
 *                every event is read and folded;
 *   raw          the floor: `SELECT data FROM fluvius.events` of the stream in version
 *                order, no fold.
 * Emmett: the same events through `appendToStream` (in batches), read back with
 * `aggregateStream` (it has no snapshots).
 * Every load's state is checked (the balance must be the sum of the deposits).
 */
import { randomUUID } from "node:crypto";
import { getPostgreSQLEventStore } from "@event-driven-io/emmett-postgresql";
import { createAggregateService, createStore, snapshotKey, streamTypeOf, type Database } from "@fluvius/runtime";
import { account, policy, prepareFluviusSchema, teller, TENANT } from "../banking.js";
import * as emmett from "../emmett-account.js";
import type { Connection, Connector } from "../target.js";

const BATCH = 1000;
/** Events after the snapshot (snapshotEvery - 1). */
export const TAIL = 99;

export type LoadVariant = "snapshot" | "no-snapshot" | "raw";

export interface LoadRun {
  /** Milliseconds per load (the mean of the loads done in the run). */
  readonly msPerLoad: number;
  readonly loads: number;
}

const expectedBalance = (events: number) => `${events - 1}.00`;

/** Loads repeatedly for at least `seconds` (at least once) and returns the mean time per load. */
async function repeat(seconds: number, load: () => Promise<void>): Promise<LoadRun> {
  let loads = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  do {
    await load();
    loads++;
  } while (performance.now() < deadline);
  return { msPerLoad: (performance.now() - start) / loads, loads };
}

export function fluviusLoad(connector: Connector) {
  let connection: Connection | undefined;
  let streamId = "";
  let count = 0;
  const noSnapshot = { ...account, specHash: `${account.specHash}+bench-no-snapshot` };

  return {
    async setup(events: number): Promise<{ snapshotVersion: number }> {
      if (events <= TAIL + 2) throw new RangeError(`a stream of ${events} events is too short`);
      count = events;
      connection = await connector.connect();
      const db: Database = connection.db;
      await prepareFluviusSchema(db);
      const store = createStore(db);
      const service = createAggregateService(store, account, { policy, cacheSize: 0 });
      const opened = await service.execute({ action: "open-account", payload: { customerId: randomUUID(), accountType: "checking" }, actor: teller });
      streamId = opened.streamId;
      const tenant = store.forTenant(TENANT);
      const type = streamTypeOf(account);
      const deposit = { type: "deposit-made", schemaVersion: 1, data: { amount: "1.00" } };
      const appendUpTo = async (target: number) => {
        for (let version = (await tenant.streamInfo(type, streamId))!.version; version < target;) {
          const n = Math.min(BATCH, target - version);
          await tenant.append(
            type,
            streamId,
            Array.from({ length: n }, () => deposit),
            { expected: version, actorId: teller.id },
          );
          version += n;
        }
      };
      await appendUpTo(events - TAIL - 1);
      await service.execute({ action: "deposit", streamId, payload: { amount: "1.00" }, actor: teller });
      await appendUpTo(events);
      const [row] = await db.query<{ version: number }>(
        "SELECT max(version)::int AS version FROM fluvius.snapshots WHERE tenant = $1 AND stream_id = $2::uuid AND spec_hash = $3",
        // Snapshots are stored under the key the runtime computes from what it runs (packages/runtime/src/runtime/snapshot-key.ts).
        [TENANT, streamId, snapshotKey(account)],
      );
      const snapshotVersion = row?.version ?? 0;
      if (snapshotVersion !== events - TAIL) throw new Error(`expected a snapshot at version ${events - TAIL}, found ${snapshotVersion}`);
      return { snapshotVersion };
    },

    async run(variant: LoadVariant, seconds: number): Promise<LoadRun> {
      if (!connection) throw new Error("setup first");
      const db = connection.db;
      const store = createStore(db);
      if (variant === "raw") {
        return repeat(seconds, async () => {
          const rows = await db.query<{ data: unknown }>(
            "SELECT data FROM fluvius.events WHERE tenant = $1::text AND stream_type = $2::text AND stream_id = $3::text::uuid ORDER BY version",
            [TENANT, streamTypeOf(account), streamId],
          );
          if (rows.length !== count) throw new Error(`read ${rows.length} of ${count} events`);
        });
      }
      const service = createAggregateService(store, variant === "snapshot" ? account : noSnapshot, { policy });
      return repeat(seconds, async () => {
        const item = await service.get(teller, streamId);
        if (item._version !== count || item.balance !== expectedBalance(count)) {
          throw new Error(`loaded version ${item._version}, balance ${item.balance}; expected ${count}, ${expectedBalance(count)}`);
        }
      });
    },

    async teardown(): Promise<void> {
      await connection?.release();
      connection = undefined;
    },
  };
}

export function emmettLoad(connector: Connector) {
  let connection: Connection | undefined;
  let name = "";
  let count = 0;
  const storeOn = (c: Connection) => {
    if (!c.pool || connector.target.backend !== "postgres") throw new Error("Emmett's PostgreSQL event store runs on PostgreSQL only");
    return getPostgreSQLEventStore(connector.target.url, { connectionOptions: { pool: c.pool } });
  };

  return {
    async setup(events: number): Promise<void> {
      count = events;
      connection = await connector.connect();
      const store = storeOn(connection);
      await store.schema.migrate();
      name = emmett.streamName(randomUUID());
      await emmett.handle(store, name, emmett.openAccount(randomUUID()), emmett.openOptions);
      for (let version = 1; version < events;) {
        const n = Math.min(BATCH, events - version);
        const batch = Array.from({ length: n }, (): emmett.DepositMade => ({ type: "deposit-made", data: { amount: "1.00" } }));
        await store.appendToStream(name, batch, { expectedStreamVersion: BigInt(version) });
        version += n;
      }
    },

    async run(seconds: number): Promise<LoadRun> {
      if (!connection) throw new Error("setup first");
      const store = storeOn(connection);
      return repeat(seconds, async () => {
        const result = await store.aggregateStream(name, { evolve: emmett.evolve, initialState: emmett.initialState });
        if (result.currentStreamVersion !== BigInt(count) || result.state.balance !== expectedBalance(count)) {
          throw new Error(`Emmett loaded version ${result.currentStreamVersion}, balance ${result.state.balance}`);
        }
      });
    },

    async teardown(): Promise<void> {
      await connection?.release();
      connection = undefined;
    },
  };
}
