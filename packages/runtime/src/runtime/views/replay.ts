import type { Sql } from "../db/database.js";
import { applyLoaded } from "../command/fold.js";
import { streamTypeOf, type AnyAggregateDefinition } from "../definition.js";
import { InvalidArgumentError } from "../errors.js";
import { qualified } from "../db/sql-text.js";
import { iso } from "../store/sql.js";
import type { EventRecord } from "../store/types.js";
import { upcast } from "../upcast.js";
import { lockCheckpoint } from "./checkpoint.js";
import { changesOf, type ViewDefinition } from "./definition.js";
import { projectorName } from "./projector.js";
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

/**
 * $1 stream types, $2 tenant or null, $3 $4 the (tx_id, position) after which to continue,
 * $5 limit, $6 $7 the last (tx_id, position) to read, or nulls for all. In commit order.
 */
const PAGE_SQL = `SELECT e.tenant, e.stream_type, e.stream_id::text AS stream_id, e.version, e.event_id::text AS event_id, e.event_type,
       e.schema_version, e.data, ${iso("e.recorded_at")} AS recorded_at, e.actor_id, e.command_id, e.correlation_id, e.causation_id,
       e.metadata, e.tx_id::text AS tx_id, e.position::text AS position
  FROM fluvius.events e
 WHERE e.stream_type = ANY ($1::text[]) AND ($2::text IS NULL OR e.tenant = $2::text)
   AND (e.tx_id, e.position) > ($3::text::xid8, $4::text::bigint)
   AND ($6::text IS NULL OR (e.tx_id, e.position) <= ($6::text::xid8, $7::text::bigint))
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
 *
 * An asynchronous view is rebuilt up to its projector's checkpoint, which stays where it is
 * (locked meanwhile, so the projector waits): the projector goes on from there, and nothing
 * is applied twice or left out, for one tenant's rows as for all.
 */
export async function replayView(
  sql: Sql,
  view: ViewDefinition,
  definitions: readonly AnyAggregateDefinition[],
  options: { readonly tenant?: string; readonly batchSize: number },
): Promise<ViewReplayReport> {
  const table = qualified(view.table.schema, view.table.table);
  const byType = new Map(definitions.map((d) => [streamTypeOf(d), d]));
  const streamTypes = [...new Set(view.sources.map((s) => s.streamType))];
  for (const type of streamTypes) {
    if (!byType.has(type))
      throw new InvalidArgumentError(`View ${view.domain}.${view.name} is fed by ${type}, which no aggregate of the project has; regenerate the code.`);
  }
  const upTo = view.async ? await lockCheckpoint(sql, projectorName(view)) : undefined;
  // The projector left out the events it parked (and not since applied): so does the rebuild.
  const parked = view.async ? await parkedEvents(sql, projectorName(view), options.tenant) : new Set<string>();
  await sql.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
  await sql.query(`DELETE FROM ${table} WHERE $1::text IS NULL OR "_tenant" = $1::text`, [options.tenant ?? null]);

  const states = new Map<string, unknown>();
  let after = { tx: "0", position: "0" };
  let events = 0;
  for (;;) {
    const rows = await sql.query<EventRow>(PAGE_SQL, [
      streamTypes,
      options.tenant ?? null,
      after.tx,
      after.position,
      options.batchSize,
      upTo?.transactionId.toString() ?? null,
      upTo?.position.toString() ?? null,
    ]);
    const writes: ReplayedWrite[] = [];
    for (const row of rows) {
      const definition = byType.get(row.stream_type);
      if (!definition) continue;
      const streamKey = `${row.tenant}\u0000${row.stream_type}\u0000${row.stream_id}`;
      const sources = parked.has(row.event_id) ? [] : view.sources.filter((s) => s.streamType === row.stream_type && s.eventType === row.event_type);
      const previous = states.has(streamKey) ? states.get(streamKey) : definition.initialState();
      // evolve may change the state in place: a source that reads the state before gets a copy.
      const before = sources.some((s) => s.usesBefore === true) ? structuredClone(previous) : undefined;
      const loaded = {
        version: row.version,
        type: row.event_type,
        schemaVersion: row.schema_version,
        data: row.data,
        recordedAt: row.recorded_at,
        actorId: row.actor_id,
      };
      const state = applyLoaded(definition, previous, loaded);
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
      for (const source of sources) {
        for (const change of changesOf(changeOf(view, source, record, state, before))) {
          writes.push(structuredClone({ table: view.table, tenant: row.tenant, at: row.recorded_at, key: change.key, operations: change.operations }));
        }
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

/** A source's change; a hand-written projector that throws stops the rebuild with a message naming the event. */
function changeOf(view: ViewDefinition, source: ViewDefinition["sources"][number], record: EventRecord, state: unknown, before: unknown) {
  try {
    return source.change(record, state, before);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(
      `View ${view.domain}.${view.name} failed on event ${record.eventId} (${record.event.type} of ${record.streamType} ${record.streamId}): ${reason}. Fix its projector and replay again.`,
    );
  }
}

async function parkedEvents(sql: Sql, worker: string, tenant: string | undefined): Promise<Set<string>> {
  const rows = await sql.query<{ event_id: string }>(
    `SELECT event_id::text AS event_id FROM fluvius.parked WHERE reaction = $1::text AND status <> 'resolved' AND ($2::text IS NULL OR tenant = $2::text)`,
    [worker, tenant ?? null],
  );
  return new Set(rows.map((r) => r.event_id));
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
    reports.push(
      await database.transaction((sql) =>
        replayView(sql, view, definitions, { ...(options.tenant === undefined ? {} : { tenant: options.tenant }), batchSize }),
      ),
    );
  }
  return reports;
}
