/**
 * Catch-up subscription throughput: `events` deposit events on 100 accounts, written by
 * appends of 10 events (each its own transaction), then read from the start:
 *   catch-up  `catchUp(store, { name, handle, batchSize: 100 })`, a new subscription name
 *             per run: commit-safe order (tx id, position below the oldest running
 *             transaction), a checkpoint saved after every batch, every event decoded;
 *   raw       the floor: keyset pages of 100 rows in the same (tx_id, position) order on the
 *             same index (`SELECT * … WHERE (tx_id, position) > ($1, $2) ORDER BY tx_id,
 *             position LIMIT 100`), without the fence, the filters, the checkpoint or decoding.
 * Both must deliver exactly `events` events.
 */
import { randomUUID } from "node:crypto";
import { catchUp, createStore, streamTypeOf, type StoredEvent } from "@fluvius/runtime";
import { account, prepareFluviusSchema, teller, TENANT } from "../banking.js";
import type { Connection, Connector } from "../target.js";
import { inParallel, readAll } from "../throughput.js";

const STREAMS = 100;
const PER_APPEND = 10;
export const BATCH_SIZE = 100;

export type SubscriptionVariant = "catch-up" | "raw";

export interface SubscriptionRun {
  readonly events: number;
  readonly ms: number;
  readonly perSecond: number;
}

export function fluviusSubscription(connector: Connector) {
  let connection: Connection | undefined;
  let total = 0;
  let runs = 0;

  return {
    async setup(events: number): Promise<void> {
      if (events % (STREAMS * PER_APPEND) !== 0) throw new RangeError(`events must be a multiple of ${STREAMS * PER_APPEND}`);
      total = events;
      connection = await connector.connect();
      await prepareFluviusSchema(connection.db);
      const tenant = createStore(connection.db).forTenant(TENANT);
      const type = streamTypeOf(account);
      const appendsPerStream = events / STREAMS / PER_APPEND;
      const concurrency = connector.target.backend === "postgres" ? connector.target.poolSize : 1;
      await inParallel(STREAMS, concurrency, async () => {
        const id = randomUUID();
        const opened = { type: "account-opened", schemaVersion: 1, data: { customerId: randomUUID(), accountType: "checking" } };
        const deposit = { type: "deposit-made", schemaVersion: 1, data: { amount: "1.00" } };
        for (let i = 0; i < appendsPerStream; i++) {
          const batch = Array.from({ length: PER_APPEND }, (_, j) => (i === 0 && j === 0 ? opened : deposit));
          await tenant.append(type, id, batch, { expected: i * PER_APPEND, actorId: teller.id });
        }
      });
    },

    async run(variant: SubscriptionVariant): Promise<SubscriptionRun> {
      if (!connection) throw new Error("setup first");
      const db = connection.db;
      const start = performance.now();
      let delivered = 0;
      if (variant === "catch-up") {
        const store = createStore(db);
        let last: StoredEvent | undefined;
        const name = `bench-${++runs}`;
        const read = () =>
          catchUp(store, {
            name,
            batchSize: BATCH_SIZE,
            handle: (event) => {
              last = event;
            },
          });
        delivered = await readAll(total, read, "catch-up");
        if (last === undefined) throw new Error("no event delivered");
      } else {
        let after = { tx: "0", position: "0" };
        for (;;) {
          const rows = await db.query<{ tx_id: unknown; position: unknown }>(
            "SELECT * FROM fluvius.events WHERE (tx_id, position) > ($1::text::xid8, $2::text::bigint) ORDER BY tx_id, position LIMIT $3::integer",
            [after.tx, after.position, BATCH_SIZE],
          );
          delivered += rows.length;
          const tail = rows[rows.length - 1];
          if (tail === undefined || rows.length < BATCH_SIZE) break;
          after = { tx: String(tail.tx_id), position: String(tail.position) };
        }
      }
      const ms = performance.now() - start;
      if (delivered !== total) throw new Error(`${variant} delivered ${delivered} of ${total} events`);
      return { events: delivered, ms, perSecond: (delivered * 1000) / ms };
    },

    async teardown(): Promise<void> {
      await connection?.release();
      connection = undefined;
    },
  };
}
