import type { ReadModelDefinition } from "../definition.js";
import type { ExpectedVersion } from "../errors.js";
import type { ViewWrite } from "../views/definition.js";
import { Params, qualified, quoteIdent } from "../db/sql-text.js";
import { viewCtes } from "../views/sql.js";

/**
 * The event store's statements. Values are always parameters. Strings are passed as text
 * and cast in SQL (`$1::text::jsonb`), so the pg driver and PGlite serialise them alike.
 */

/** ISO 8601 UTC with milliseconds, the one spelling of time the runtime hands out. */
export const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const NOW_MS = "date_trunc('milliseconds', clock_timestamp())";

export const tableOf = (rm: ReadModelDefinition) => qualified(rm.schema, rm.table);

export const EVENT_COLUMNS = `e.tenant, e.stream_type, e.stream_id::text AS stream_id, e.version, e.event_id::text AS event_id,
  e.event_type, e.schema_version, e.data, e.metadata, e.actor_id, e.command_id, e.correlation_id, e.causation_id,
  ${iso("e.recorded_at")} AS recorded_at, e.tx_id::text AS tx_id, e.position::text AS position`;

export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** $1 tenant, $2 stream type, $3 stream id, $4 spec hash, $5 command id, $6 to version, $7 at. */
export const LOAD_SQL = `WITH st AS (
  SELECT version, created_at, updated_at FROM fluvius.streams
   WHERE tenant = $1::text AND stream_type = $2::text AND stream_id = $3::text::uuid
), sn AS (
  SELECT version, state, recorded_at FROM fluvius.snapshots
   WHERE tenant = $1::text AND stream_type = $2::text AND stream_id = $3::text::uuid AND spec_hash = $4::text
     AND ($6::integer IS NULL OR version <= $6::integer)
     AND ($7::text IS NULL OR recorded_at <= $7::text::timestamptz)
   ORDER BY version DESC LIMIT 1
), ev AS (
  SELECT version, event_type, schema_version, data, recorded_at, actor_id FROM fluvius.events
   WHERE tenant = $1::text AND stream_type = $2::text AND stream_id = $3::text::uuid
     AND version > coalesce((SELECT version FROM sn), 0)
     AND ($6::integer IS NULL OR version <= $6::integer)
     AND ($7::text IS NULL OR recorded_at <= $7::text::timestamptz)
)
SELECT
  (SELECT version FROM st) AS stream_version,
  (SELECT ${iso("created_at")} FROM st) AS created_at,
  (SELECT ${iso("updated_at")} FROM st) AS updated_at,
  (SELECT version FROM sn) AS snapshot_version,
  (SELECT state FROM sn) AS snapshot_state,
  (SELECT ${iso("recorded_at")} FROM sn) AS snapshot_recorded_at,
  (SELECT actor_id FROM fluvius.events
    WHERE tenant = $1::text AND stream_type = $2::text AND stream_id = $3::text::uuid AND version = 1) AS creator,
  (SELECT actor_id FROM fluvius.events
    WHERE tenant = $1::text AND stream_type = $2::text AND stream_id = $3::text::uuid
      AND ($6::integer IS NULL OR version <= $6::integer)
      AND ($7::text IS NULL OR recorded_at <= $7::text::timestamptz)
    ORDER BY version DESC LIMIT 1) AS updater,
  (SELECT jsonb_agg(jsonb_build_array(version, event_type, schema_version, data, ${iso("recorded_at")}, actor_id) ORDER BY version) FROM ev) AS events,
  (SELECT jsonb_build_object('requestHash', request_hash, 'streamId', stream_id, 'fromVersion', from_version,
                             'toVersion', to_version, 'rejection', rejection)
     FROM fluvius.commands WHERE tenant = $1::text AND command_id = $5::text) AS command`;

export interface CommitInput {
  readonly tenant: string;
  readonly streamType: string;
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  /** JSON array of {id, type, schemaVersion, data}. */
  readonly eventsJson: string;
  readonly count: number;
  readonly recordedAt: string | null;
  readonly actorId: string | null;
  readonly commandId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly metadataJson: string;
  /** `creator`: `_creator` of an inserted row (an existing row keeps its own). */
  readonly readModel?: { readonly definition: ReadModelDefinition; readonly columnsJson: string; readonly creator: string | null };
  readonly snapshot?: { readonly specHash: string; readonly stateJson: string };
  readonly idempotency?: { readonly commandId: string; readonly requestHash: string; readonly action: string };
  /** Streams (type and id, pairwise) that must exist in the tenant for anything to be written. */
  readonly requiredStreams?: { readonly types: readonly string[]; readonly ids: readonly string[] };
  /** Rows of views the events change (src/runtime/views/sql.ts). */
  readonly views?: readonly ViewWrite[];
}

/**
 * One statement, so one round trip and one atomic unit: bump the stream with the
 * expected-version check, insert the events (numbered from the bumped row, never
 * `ON CONFLICT` — a clash is an error, not a silent drop), upsert the read-model row,
 * store a snapshot, record the command's outcome. When the check fails, the stream CTE
 * yields no row, nothing else is written and the statement returns no rows.
 */
export function commitStatement(input: CommitInput): Statement {
  const p = new Params();
  const tenant = `${p.add(input.tenant)}::text`;
  const type = `${p.add(input.streamType)}::text`;
  const id = `${p.add(input.streamId)}::text::uuid`;
  const count = `${p.add(input.count)}::integer`;
  const time = `coalesce(${p.add(input.recordedAt)}::text::timestamptz, ${NOW_MS})`;
  // Checked refs: no row for the stream CTE unless every required stream exists, so nothing is written.
  const required = input.requiredStreams;
  const refsExist =
    required === undefined || required.types.length === 0
      ? undefined
      : `NOT EXISTS (SELECT 1 FROM unnest(${p.add(required.types)}::text[], ${p.add(required.ids)}::text[]) AS req(stream_type, stream_id)
        WHERE NOT EXISTS (SELECT 1 FROM fluvius.streams rs WHERE rs.tenant = ${tenant} AND rs.stream_type = req.stream_type AND rs.stream_id = req.stream_id::uuid))`;
  const newStream = `INSERT INTO fluvius.streams AS cur (tenant, stream_type, stream_id, version, last_tx_id, created_at, updated_at)
    SELECT ${tenant}, ${type}, ${id}, ${count}, pg_current_xact_id(), t.at, t.at FROM (SELECT ${time} AS at) t${refsExist === undefined ? "" : ` WHERE ${refsExist}`}`;
  const expected = input.expected === 0 ? "no-stream" : input.expected;

  // The transaction-id condition keeps a stream's events in (tx_id, position) order, the
  // order subscriptions deliver in: a transaction that started before the stream's last
  // writer cannot append after it (it gets a conflict and retries with a newer id).
  let stream: string;
  if (expected === "no-stream") {
    stream = `${newStream}
    ON CONFLICT (tenant, stream_type, stream_id) DO NOTHING
    RETURNING 0 AS base, updated_at AS at, created_at`;
  } else if (expected === "any") {
    stream = `${newStream}
    ON CONFLICT (tenant, stream_type, stream_id) DO UPDATE
       SET version = cur.version + EXCLUDED.version, updated_at = greatest(cur.updated_at, EXCLUDED.updated_at),
           last_tx_id = EXCLUDED.last_tx_id
     WHERE cur.last_tx_id <= EXCLUDED.last_tx_id
    RETURNING version - ${count} AS base, updated_at AS at, created_at`;
  } else {
    stream = `UPDATE fluvius.streams
       SET version = version + ${count}, updated_at = greatest(updated_at, ${time}), last_tx_id = pg_current_xact_id()
     WHERE tenant = ${tenant} AND stream_type = ${type} AND stream_id = ${id}
       AND version = ${p.add(expected)}::integer AND last_tx_id <= pg_current_xact_id()${refsExist === undefined ? "" : ` AND ${refsExist}`}
    RETURNING version - ${count} AS base, updated_at AS at, created_at`;
  }

  const ctes = [
    `s AS (
    ${stream}
  )`,
    `ev AS (
    INSERT INTO fluvius.events (tenant, stream_type, stream_id, version, event_id, event_type, schema_version, data,
                                metadata, actor_id, command_id, correlation_id, causation_id, recorded_at)
    SELECT ${tenant}, ${type}, ${id}, s.base + x.ord::integer, (x.e->>'id')::uuid, x.e->>'type',
           (x.e->>'schemaVersion')::integer, x.e->'data', ${p.add(input.metadataJson)}::text::jsonb,
           ${p.add(input.actorId)}::text, ${p.add(input.commandId)}::text, ${p.add(input.correlationId)}::text,
           ${p.add(input.causationId)}::text, s.at
      FROM s, jsonb_array_elements(${p.add(input.eventsJson)}::text::jsonb) WITH ORDINALITY AS x(e, ord)
     ORDER BY x.ord
    RETURNING version, event_id, tx_id, position
  )`,
  ];

  if (input.readModel) {
    const rm = input.readModel.definition;
    const table = tableOf(rm);
    const cols = rm.columns.map((c) => quoteIdent(c.column));
    const creator = `${p.add(input.readModel.creator)}::text`;
    const updater = `${p.add(input.actorId)}::text`;
    ctes.push(`rm AS (
    INSERT INTO ${table} AS cur (_tenant, _id, _version, _created, _updated, _creator, _updater${cols.map((c) => `, ${c}`).join("")})
    SELECT ${tenant}, ${id}, s.base + ${count}, s.created_at, s.at, ${creator}, ${updater}${cols.map((c) => `, r.${c}`).join("")}
      FROM s, jsonb_populate_record(NULL::${table}, ${p.add(input.readModel.columnsJson)}::text::jsonb) AS r
    ON CONFLICT (_tenant, _id) DO UPDATE
       SET _version = EXCLUDED._version, _updated = EXCLUDED._updated, _updater = EXCLUDED._updater${cols.map((c) => `, ${c} = EXCLUDED.${c}`).join("")}
     WHERE cur._version < EXCLUDED._version
  )`);
  }

  if (input.views !== undefined && input.views.length > 0) ctes.push(...viewCtes(input.views, p, tenant));

  if (input.snapshot) {
    ctes.push(`sn AS (
    INSERT INTO fluvius.snapshots (tenant, stream_type, stream_id, spec_hash, version, state, recorded_at)
    SELECT ${tenant}, ${type}, ${id}, ${p.add(input.snapshot.specHash)}::text, s.base + ${count},
           ${p.add(input.snapshot.stateJson)}::text::jsonb, s.at FROM s
    ON CONFLICT (tenant, stream_type, stream_id, spec_hash, version) DO UPDATE SET state = EXCLUDED.state
  )`);
  }

  if (input.idempotency) {
    const i = input.idempotency;
    ctes.push(`cmd AS (
    INSERT INTO fluvius.commands (tenant, command_id, request_hash, stream_type, stream_id, action, from_version, to_version, rejection, recorded_at)
    SELECT ${tenant}, ${p.add(i.commandId)}::text, ${p.add(i.requestHash)}::text, ${type}, ${id}, ${p.add(i.action)}::text,
           s.base, s.base + ${count}, NULL, s.at FROM s
  )`);
  }

  const text = `WITH ${ctes.join(",\n  ")}
SELECT ev.version, ev.event_id::text AS event_id, ev.tx_id::text AS tx_id, ev.position::text AS position,
       s.base, ${iso("s.at")} AS recorded_at, ${iso("s.created_at")} AS created_at
  FROM ev, s ORDER BY ev.version`;
  return { text, values: p.values };
}

/** $1 tenant, $2 command id, $3 hash, $4 type, $5 id, $6 action, $7 version, $8 rejection JSON or null. */
export const RECORD_OUTCOME_SQL = `INSERT INTO fluvius.commands
  (tenant, command_id, request_hash, stream_type, stream_id, action, from_version, to_version, rejection, recorded_at)
  VALUES ($1::text, $2::text, $3::text, $4::text, $5::text::uuid, $6::text, $7::integer, $7::integer, $8::text::jsonb, ${NOW_MS})`;

/** $1 tenant, $2 type, $3 id, $4 after version, $5 limit (NULL: no limit). */
export const READ_STREAM_SQL = `SELECT ${EVENT_COLUMNS} FROM fluvius.events e
 WHERE e.tenant = $1::text AND e.stream_type = $2::text AND e.stream_id = $3::text::uuid AND e.version > $4::integer
 ORDER BY e.version LIMIT $5::integer`;

/** $1 tenant, $2 type, $3 id. */
export const STREAM_INFO_SQL = `SELECT version, ${iso("created_at")} AS created_at, ${iso("updated_at")} AS updated_at
  FROM fluvius.streams WHERE tenant = $1::text AND stream_type = $2::text AND stream_id = $3::text::uuid`;

/**
 * The fence both catch-up reads share: only transactions below the oldest one still
 * running (xmin of this statement's snapshot) are read. They have all finished, so every
 * event that will ever sort before the last one returned is already visible: a late commit
 * cannot be skipped.
 */
const COMMITTED = `e.tx_id < pg_snapshot_xmin(pg_current_snapshot())`;

/** $1 tx id, $2 position, $3 tenant or '*', $4 limit. Every stream type, on events_tx_order. */
export const READ_COMMITTED_SQL = `SELECT ${EVENT_COLUMNS} FROM fluvius.events e
 WHERE (e.tx_id, e.position) > ($1::text::xid8, $2::text::bigint)
   AND ${COMMITTED}
   AND ($3::text = '*' OR e.tenant = $3::text)
 ORDER BY e.tx_id, e.position LIMIT $4::integer`;

/**
 * $1 tx id, $2 position, $3 tenant or '*', $4 stream types, $5 limit.
 * Filtered by stream type: one range scan of events_stream_type_tx_order per type (each
 * already in (tx_id, position) order and cut at the limit), merged. A scan of the global
 * order with the types as a filter reads every other type's events after the checkpoint,
 * and the checkpoint of a reaction on a quiet type stays behind all of them.
 *
 * Each range is spelled in that index's own key order, (stream_type, tx_id, position) from
 * the checkpoint up to the end of the type, not as `stream_type = t`: with an equality the
 * planner may still walk events_tx_order and filter (it does when its statistics say few
 * rows follow the checkpoint), while this order only the stream-type index delivers.
 */
export const READ_COMMITTED_BY_TYPE_SQL = `SELECT ${EVENT_COLUMNS}
  FROM (SELECT DISTINCT unnest($4::text[]) AS stream_type) t
 CROSS JOIN LATERAL (
   SELECT * FROM fluvius.events e
    WHERE (e.stream_type, e.tx_id, e.position) > (t.stream_type, $1::text::xid8, $2::text::bigint)
      AND e.stream_type <= t.stream_type
      AND ${COMMITTED}
      AND ($3::text = '*' OR e.tenant = $3::text)
    ORDER BY e.stream_type, e.tx_id, e.position LIMIT $5::integer
 ) e
 ORDER BY e.tx_id, e.position LIMIT $5::integer`;

/**
 * The newest event behind the fence: a live feed starts after it, so everything it will read
 * sorts after this and nothing before it can still appear. Walks events_tx_order backwards.
 */
export const HEAD_CHECKPOINT_SQL = `SELECT e.tx_id::text AS tx_id, e.position::text AS position FROM fluvius.events e
 WHERE ${COMMITTED} ORDER BY e.tx_id DESC, e.position DESC LIMIT 1`;

/**
 * The fence now (transactions below it have all ended) and the newest committed event's
 * transaction (events_tx_order, backwards). Events at or above the fence wait for an older
 * transaction still running somewhere on the server.
 */
export const FENCE_SQL = `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS fence,
  (SELECT e.tx_id FROM fluvius.events e ORDER BY e.tx_id DESC, e.position DESC LIMIT 1)::text AS newest`;

/** $1 tenant, $2 name. */
export const LOAD_CHECKPOINT_SQL = `SELECT tx_id::text AS tx_id, position::text AS position
  FROM fluvius.subscriptions WHERE tenant = $1::text AND name = $2::text`;

/** $1 tenant, $2 name, $3 tx id, $4 position. */
export const SAVE_CHECKPOINT_SQL = `INSERT INTO fluvius.subscriptions AS cur (tenant, name, tx_id, position, updated_at)
  VALUES ($1::text, $2::text, $3::text::xid8, $4::text::bigint, clock_timestamp())
  ON CONFLICT (tenant, name) DO UPDATE SET tx_id = EXCLUDED.tx_id, position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
  WHERE (cur.tx_id, cur.position) < (EXCLUDED.tx_id, EXCLUDED.position)`;

/** $1 tenant, $2 name. */
export const RESET_CHECKPOINT_SQL = `DELETE FROM fluvius.subscriptions WHERE tenant = $1::text AND name = $2::text`;
