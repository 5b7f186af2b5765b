/**
 * A stream-type-filtered catch-up on a big store (issue 12: one page took 826 ms and
 * discarded 2.15 million rows). The store: `events` events of 40 other stream types and
 * 50 tenants, written by INSERT … SELECT generate_series in chunks of 100,000 (one
 * transaction each), and a watched stream type with one event in ten in the first half and
 * none after: an aggregate nobody has used for a while, which a reaction still reads. Its
 * statistics say it is common, so the old query expects its next event soon in the global
 * order. Two reads of it, 100 events a page:
 *   caught-up   from its last event: nothing new, half the store after it (the poll of an
 *               idle reaction, every 200 ms);
 *   first page  from the start: 100 of its events among 1,000.
 * Each with the store's query (`readCommitted` with `streamTypes`: a range of
 * events_stream_type_tx_order per type) and the query it had before (the global
 * (tx_id, position) order, the types a filter), kept here as the baseline. Both run as
 * named prepared statements, warmed up past the point where PostgreSQL may switch to a
 * generic plan (once per case and query: the worker keeps one connection, so its plans).
 */
import { createStore, START, type Checkpoint, type EventStore } from "@fluvius/runtime";
import { applySystemSchema } from "@fluvius/runtime";
import type { Connection, Connector } from "../target.js";

const WATCHED = "scale.watched";
const CHUNK = 100_000;
const PAGE = 100;
const WARMUP_READS = 6;

/** The filtered read before issue 12: the whole global order after the checkpoint, filtered. */
const GLOBAL_ORDER_SQL = `SELECT e.tenant, e.stream_type, e.stream_id::text AS stream_id, e.version, e.event_id::text AS event_id,
  e.event_type, e.schema_version, e.data, e.metadata, e.tx_id::text AS tx_id, e.position::text AS position FROM fluvius.events e
 WHERE (e.tx_id, e.position) > ($1::text::xid8, $2::text::bigint)
   AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
   AND ($3::text = '*' OR e.tenant = $3::text)
   AND ($4::text[] IS NULL OR e.stream_type = ANY ($4::text[]))
 ORDER BY e.tx_id, e.position LIMIT $5::integer`;

const FILL_SQL = `INSERT INTO fluvius.events (tenant, stream_type, stream_id, version, event_id, event_type, schema_version, data, recorded_at)
SELECT 'tenant-' || (i % 50),
       CASE WHEN i % 10 = 0 AND i <= $3::bigint THEN '${WATCHED}' ELSE 'scale.busy' || (i % 40) END,
       md5('s' || i)::uuid, 1, md5('e' || i)::uuid, 'happened', 1, jsonb_build_object('n', i), now()
  FROM generate_series($1::bigint, $2::bigint) AS i`;

export type ScaleCase = "caught-up" | "first-page";
export type ScaleQuery = "by-type" | "global-order";

export interface ScaleRun {
  readonly rows: number;
  /** Mean time of one page read. */
  readonly msPerRead: number;
}

export function fluviusScale(connector: Connector) {
  let connection: Connection | undefined;
  let store: EventStore | undefined;
  let caughtUp: Checkpoint | undefined;
  let watchedEvents = 0;
  const warm = new Set<string>();

  return {
    /** Fills the store; returns the seconds it took. */
    async setup(events: number): Promise<number> {
      const started = performance.now();
      connection = await connector.connect();
      await applySystemSchema(connection.db);
      for (let from = 1; from <= events; from += CHUNK) {
        await connection.db.query(FILL_SQL, [from, Math.min(events, from + CHUNK - 1), Math.floor(events / 2)]);
      }
      await connection.db.exec("ANALYZE fluvius.events");
      store = createStore(connection.db);
      const watched = await store.readCommitted({ after: START, limit: events, streamTypes: [WATCHED] });
      const last = watched.at(-1);
      if (!last) throw new Error("no watched events");
      caughtUp = { transactionId: last.transactionId, position: last.position };
      watchedEvents = watched.length;
      return (performance.now() - started) / 1000;
    },

    async run(which: ScaleCase, query: ScaleQuery, reads: number): Promise<ScaleRun> {
      if (!connection || !store || !caughtUp) throw new Error("setup first");
      const after = which === "caught-up" ? caughtUp : START;
      const read = async () =>
        query === "by-type"
          ? (await store!.readCommitted({ after, limit: PAGE, streamTypes: [WATCHED] })).length
          : (await connection!.db.query(GLOBAL_ORDER_SQL, [after.transactionId.toString(), after.position.toString(), "*", [WATCHED], PAGE])).length;
      if (!warm.has(`${which}/${query}`)) for (let i = 0; i < WARMUP_READS; i++) await read();
      warm.add(`${which}/${query}`);
      // A tiny store may have fewer watched events than a page.
      const expected = which === "caught-up" ? 0 : Math.min(PAGE, watchedEvents);
      const started = performance.now();
      for (let i = 0; i < reads; i++) {
        const rows = await read();
        if (rows !== expected) throw new Error(`${which} with ${query} read ${rows} events, not ${expected}`);
      }
      return { rows: expected, msPerRead: (performance.now() - started) / reads };
    },

    async teardown(): Promise<void> {
      await connection?.release();
      connection = undefined;
    },
  };
}
