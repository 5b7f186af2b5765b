import type { Sql } from "../db/database.js";
import { applyLoaded } from "../command/fold.js";
import { streamTypeOf, type AnyAggregateDefinition } from "../definition.js";
import { InvalidArgumentError } from "../errors.js";
import { iso, quoteIdent } from "../store/sql.js";
import type { EventRecord } from "../store/types.js";
import { upcast } from "../upcast.js";
import type { ViewDefinition } from "./definition.js";
import { replayStatement, type ReplayedWrite } from "./sql.js";

interface EventRow {
  tenant: string;
  stream_type: string;
  stream_id: string;
  version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  recorded_at: string;
  actor_id: string | null;
  command_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  metadata: Readonly<Record<string, unknown>>;
  tx_id: string;
  position: string;
}

/** $1 stream types, $2 tenant or null, $3 $4 the (tx_id, position) after which to continue, $5 limit. In commit order. */
const PAGE_SQL = `SELECT e.tenant, e.stream_type, e.stream_id::text AS stream_id, e.version, e.event_id::text AS event_id, e.event_type,
       e.schema_version, e.data, ${iso("e.recorded_at")} AS recorded_at, e.actor_id, e.command_id, e.correlation_id, e.causation_id,
       e.metadata, e.tx_id::text AS tx_id, e.position::text AS position
  FROM fluvius.events e
 WHERE e.stream_type = ANY ($1::text[]) AND ($2::text IS NULL OR e.tenant = $2::text)
   AND (e.tx_id, e.position) > ($3::text::xid8, $4::text::bigint)
 ORDER BY e.tx_id, e.position
 LIMIT $5::integer`;

export interface ViewReplayReport {
  readonly view: string;
  readonly table: string;
  readonly events: number;
}

/**
 * Rebuilds a view's rows from the event log in commit order, as the commands wrote them: each
 * source stream's state folded event by event (one state per source stream is held in
 * memory), each event's change applied in order. Runs in the caller's transaction: the table
 * is locked, so commands that change it wait until the rebuilt rows commit.
 */
export async function replayView(
  sql: Sql,
  view: ViewDefinition,
  definitions: readonly AnyAggregateDefinition[],
  options: { readonly tenant?: string; readonly batchSize: number },
): Promise<ViewReplayReport> {
  const table = `${quoteIdent(view.table.schema)}.${quoteIdent(view.table.table)}`;
  const byType = new Map(definitions.map((d) => [streamTypeOf(d), d]));
  const streamTypes = [...new Set(view.sources.map((s) => s.streamType))];
  for (const type of streamTypes) {
    if (!byType.has(type)) throw new InvalidArgumentError(`View ${view.domain}.${view.name} is fed by ${type}, which no aggregate of the project has; regenerate the code.`);
  }
  await sql.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
  await sql.query(`DELETE FROM ${table} WHERE $1::text IS NULL OR "_tenant" = $1::text`, [options.tenant ?? null]);

  const states = new Map<string, unknown>();
  let after = { tx: "0", position: "0" };
  let events = 0;
  for (;;) {
    const rows = await sql.query<EventRow>(PAGE_SQL, [streamTypes, options.tenant ?? null, after.tx, after.position, options.batchSize]);
    const writes: ReplayedWrite[] = [];
    for (const row of rows) {
      const definition = byType.get(row.stream_type);
      if (!definition) continue;
      const streamKey = `${row.tenant}\u0000${row.stream_type}\u0000${row.stream_id}`;
      const before = states.has(streamKey) ? states.get(streamKey) : definition.initialState();
      const loaded = { version: row.version, type: row.event_type, schemaVersion: row.schema_version, data: row.data, recordedAt: row.recorded_at, actorId: row.actor_id };
      const state = applyLoaded(definition, before, loaded);
      states.set(streamKey, state);
      events++;
      const record: EventRecord = {
        tenant: row.tenant,
        streamType: row.stream_type,
        streamId: row.stream_id,
        version: row.version,
        eventId: row.event_id,
        recordedAt: row.recorded_at,
        actorId: row.actor_id,
        commandId: row.command_id,
        correlationId: row.correlation_id,
        causationId: row.causation_id,
        metadata: row.metadata,
        transactionId: BigInt(row.tx_id),
        position: BigInt(row.position),
        event: upcast(definition, row.event_type, row.schema_version, row.data),
        storedSchemaVersion: row.schema_version,
      };
      for (const source of view.sources) {
        if (source.streamType !== row.stream_type || source.eventType !== row.event_type) continue;
        const change = source.change(record, state);
        if (change !== undefined) writes.push(structuredClone({ table: view.table, tenant: row.tenant, at: row.recorded_at, key: change.key, operations: change.operations }));
      }
    }
    if (writes.length > 0) {
      const statement = replayStatement(writes);
      await sql.query(statement.text, statement.values);
    }
    const last = rows.at(-1);
    if (!last || rows.length < options.batchSize) break;
    after = { tx: last.tx_id, position: last.position };
  }
  return { view: `${view.domain}.${view.name}`, table: `${view.table.schema}.${view.table.table}`, events };
}

/** Rebuilds views (each in one transaction: all or nothing); `definitions` are the project's aggregates, for the sources' states. */
export async function replayViews(
  database: { transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> },
  views: readonly ViewDefinition[],
  definitions: readonly AnyAggregateDefinition[],
  options: { readonly tenant?: string; readonly batchSize?: number } = {},
): Promise<ViewReplayReport[]> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError("batchSize must be a positive integer.");
  const reports: ViewReplayReport[] = [];
  for (const view of views) {
    reports.push(await database.transaction((sql) => replayView(sql, view, definitions, { ...(options.tenant === undefined ? {} : { tenant: options.tenant }), batchSize })));
  }
  return reports;
}
