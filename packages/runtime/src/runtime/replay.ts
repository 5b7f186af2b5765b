import { assertTenant } from "./actor.js";
import type { Sql } from "./db/database.js";
import { streamTypeOf, type AnyAggregateDefinition, type ReadModelDefinition } from "./definition.js";
import { InvalidArgumentError } from "./errors.js";
import { applyLoaded } from "./command/fold.js";
import { rowColumns } from "./read-model.js";
import { quoteIdent } from "./db/sql-text.js";
import { iso, tableOf } from "./store/sql.js";
import type { EventStore } from "./store/types.js";

export interface ReplayOptions {
  /** Only this aggregate ("account" or "banking.account"); all with a read model when absent. */
  readonly aggregate?: string;
  /** Only this tenant's rows; all tenants when absent. */
  readonly tenant?: string;
  /** Events read and rows written per statement (default 1000). */
  readonly batchSize?: number;
}

export interface ReplayReport {
  readonly streamType: string;
  readonly table: string;
  readonly streams: number;
  readonly events: number;
}

interface ReplayRow {
  tenant: string;
  stream_id: string;
  version: number;
  event_type: string;
  schema_version: number;
  data: unknown;
  recorded_at: string;
  actor_id: string | null;
}

/** $1 type, $2 tenant or null, $3..$5 the key after which to continue, $6 limit. Walks the primary key. */
const PAGE_SQL = `SELECT e.tenant, e.stream_id::text AS stream_id, e.version, e.event_type, e.schema_version, e.data,
       ${iso("e.recorded_at")} AS recorded_at, e.actor_id
  FROM fluvius.events e
 WHERE e.stream_type = $1::text AND ($2::text IS NULL OR e.tenant = $2::text)
   AND (e.tenant, e.stream_type, e.stream_id, e.version) > ($3::text, $1::text, $4::text::uuid, $5::integer)
 ORDER BY e.tenant, e.stream_type, e.stream_id, e.version
 LIMIT $6::integer`;

function upsertSql(rm: ReadModelDefinition): string {
  const table = tableOf(rm);
  const cols = ["_tenant", "_id", "_version", "_created", "_updated", "_creator", "_updater", ...rm.columns.map((c) => c.column)].map(quoteIdent);
  const kept = new Set(['"_tenant"', '"_id"', '"_created"', '"_creator"']);
  const updates = cols.filter((c) => !kept.has(c)).map((c) => `${c} = EXCLUDED.${c}`);
  return `INSERT INTO ${table} AS cur (${cols.join(", ")})
SELECT ${cols.map((c) => `r.${c}`).join(", ")} FROM jsonb_populate_recordset(NULL::${table}, $1::text::jsonb) AS r
ON CONFLICT ("_tenant", "_id") DO UPDATE SET ${updates.join(", ")} WHERE cur."_version" < EXCLUDED."_version"`;
}

async function replayOne(
  sql: Sql,
  definition: AnyAggregateDefinition,
  rm: ReadModelDefinition,
  tenant: string | undefined,
  batchSize: number,
): Promise<ReplayReport> {
  const streamType = streamTypeOf(definition);
  const table = tableOf(rm);
  // Commands on this aggregate wait (their write upserts this table) until the rebuilt rows
  // commit; readers keep seeing the old rows meanwhile.
  await sql.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
  await sql.query(`DELETE FROM ${table} WHERE $1::text IS NULL OR "_tenant" = $1::text`, [tenant ?? null]);

  const upsert = upsertSql(rm);
  let pending: Record<string, unknown>[] = [];
  const flush = async () => {
    if (pending.length > 0) await sql.query(upsert, [JSON.stringify(pending)]);
    pending = [];
  };

  let current:
    | { tenant: string; id: string; state: unknown; version: number; created: string; updated: string; creator: string | null; updater: string | null }
    | undefined;
  const finish = async () => {
    if (!current) return;
    pending.push({
      ...rowColumns(rm, current.state),
      _tenant: current.tenant,
      _id: current.id,
      _version: current.version,
      _created: current.created,
      _updated: current.updated,
      _creator: current.creator,
      _updater: current.updater,
    });
    if (pending.length >= batchSize) await flush();
  };

  let streams = 0;
  let events = 0;
  let after = { tenant: tenant ?? "", id: "00000000-0000-0000-0000-000000000000", version: 0 };
  for (;;) {
    const rows = await sql.query<ReplayRow>(PAGE_SQL, [streamType, tenant ?? null, after.tenant, after.id, after.version, batchSize]);
    for (const row of rows) {
      if (!current || current.tenant !== row.tenant || current.id !== row.stream_id) {
        await finish();
        streams++;
        current = {
          tenant: row.tenant,
          id: row.stream_id,
          state: definition.initialState(),
          version: 0,
          created: row.recorded_at,
          updated: row.recorded_at,
          creator: row.actor_id,
          updater: row.actor_id,
        };
      }
      current.state = applyLoaded(definition, current.state, {
        version: row.version,
        type: row.event_type,
        schemaVersion: row.schema_version,
        data: row.data,
        recordedAt: row.recorded_at,
        actorId: row.actor_id,
      });
      current.version = row.version;
      current.updated = row.recorded_at;
      current.updater = row.actor_id;
      events++;
    }
    const last = rows.at(-1);
    if (!last || rows.length < batchSize) break;
    after = { tenant: last.tenant, id: last.stream_id, version: last.version };
  }
  await finish();
  await flush();
  return { streamType, table, streams, events };
}

/**
 * Rebuilds read-model tables from the event log with the current evolve code (and
 * upcasters). Each aggregate's table is rebuilt in one transaction: all or nothing.
 */
export async function replay(store: EventStore, definitions: readonly AnyAggregateDefinition[], options: ReplayOptions = {}): Promise<ReplayReport[]> {
  if (options.tenant !== undefined) assertTenant(options.tenant);
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError("batchSize must be a positive integer.");
  const selected = definitions.filter(
    (d) => d.readModel !== undefined && (options.aggregate === undefined || options.aggregate === d.aggregate || options.aggregate === streamTypeOf(d)),
  );
  if (options.aggregate !== undefined && selected.length === 0) {
    throw new InvalidArgumentError(`No aggregate ${options.aggregate} with a read model.`);
  }
  const reports: ReplayReport[] = [];
  for (const definition of selected) {
    const rm = definition.readModel as ReadModelDefinition;
    reports.push(await store.database.transaction((sql) => replayOne(sql, definition, rm, options.tenant, batchSize)));
  }
  return reports;
}
