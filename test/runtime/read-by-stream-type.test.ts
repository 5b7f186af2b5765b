import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { START, type Checkpoint, type StoredEvent } from "@fluvius/runtime";
import { READ_COMMITTED_BY_TYPE_SQL } from "@fluvius/runtime/internal/runtime/store/sql";
import { freshTenant, pgliteBackend, postgresBackend, type Backend } from "./helpers/backends.js";

/**
 * A catch-up filtered by stream type reads its types' range of events_stream_type_tx_order,
 * never the global order past every other type's events (issue 12: one page of a quiet
 * reaction took 826 ms on a 2M-event store).
 */
const backends: [string, () => Promise<Backend>][] = [
  ["PGlite", pgliteBackend],
  ["PostgreSQL", () => postgresBackend(4)],
];

const event = (type: string) => ({ type, schemaVersion: 1, data: {} });
const checkpointOf = (e: StoredEvent): Checkpoint => ({ transactionId: e.transactionId, position: e.position });

/** Index names anywhere in an EXPLAIN (FORMAT JSON) plan, and whether the events table is read sequentially. */
function scansOf(plan: unknown): { indexes: string[]; seqScanOfEvents: boolean } {
  const indexes: string[] = [];
  let seqScanOfEvents = false;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    const fields = node as Record<string, unknown>;
    if (typeof fields["Index Name"] === "string") indexes.push(fields["Index Name"]);
    if (fields["Node Type"] === "Seq Scan" && fields["Relation Name"] === "events") seqScanOfEvents = true;
    Object.values(fields).forEach(visit);
  };
  visit(plan);
  return { indexes, seqScanOfEvents };
}

describe.each(backends)("stream-type-filtered catch-up on %s", (_name, open) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend?.close();
  });

  it("merges the types in (transaction, position) order and resumes from a checkpoint", async () => {
    const [tenant, other] = [freshTenant(), freshTenant()];
    const types = ["rt.a", "rt.b", "rt.c"];
    for (let i = 0; i < 12; i++) {
      await backend.store.forTenant(i % 4 === 3 ? other : tenant).append(types[i % 3]!, randomUUID(), [event(`e${i}`)], { expected: "no-stream" });
    }
    const all = await backend.store.readCommitted({ after: START, limit: 1000, tenant });
    const expected = all.filter((e) => e.streamType !== "rt.c").map((e) => e.type);
    expect(expected).toEqual(["e0", "e1", "e4", "e6", "e9", "e10"]);

    const paged: string[] = [];
    let after = START;
    for (;;) {
      // The duplicate type must not deliver an event twice.
      const page = await backend.store.readCommitted({ after, limit: 2, tenant, streamTypes: ["rt.b", "rt.a", "rt.b"] });
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(2);
      paged.push(...page.map((e) => e.type));
      after = checkpointOf(page.at(-1)!);
    }
    expect(paged).toEqual(expected);
    expect(await backend.store.readCommitted({ after: START, limit: 10, tenant, streamTypes: [] })).toEqual([]);
  });

  it("plans the filtered read on the stream-type index, also behind many events of other types", async () => {
    const store = backend.store.forTenant(freshTenant());
    for (let i = 0; i < 3; i++) await store.append("rt.quiet", randomUUID(), [event("quiet")], { expected: "no-stream" });
    const [last] = (await backend.store.readCommitted({ after: START, limit: 10, streamTypes: ["rt.quiet"] })).slice(-1);
    // Many more events of other types after the quiet type's checkpoint: the case where a
    // scan of events_tx_order filtered by type reads every one of them and finds nothing.
    await backend.db.exec(`INSERT INTO fluvius.events (tenant, stream_type, stream_id, version, event_id, event_type, schema_version, data, recorded_at)
      SELECT 'busy-' || (i % 7), 'rt.busy' || (i % 20), gen_random_uuid(), 1, gen_random_uuid(), 'busy', 1, '{}', now()
        FROM generate_series(1, 30000) i;
      ANALYZE fluvius.events;`);
    const checkpoint = checkpointOf(last!);
    const args = `'${checkpoint.transactionId}', '${checkpoint.position}', '*', ARRAY['rt.quiet'], 100`;

    // Both plans the driver may use for the prepared statement: one for these values, and
    // the generic one PostgreSQL switches to after a few executions.
    for (const mode of ["force_custom_plan", "force_generic_plan"]) {
      const plan = await backend.db.transaction(async (sql) => {
        await sql.exec(`SET LOCAL plan_cache_mode = ${mode}; PREPARE read_by_type AS ${READ_COMMITTED_BY_TYPE_SQL}`);
        try {
          const [row] = await sql.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) EXECUTE read_by_type(${args})`);
          return row?.["QUERY PLAN"];
        } finally {
          await sql.exec("DEALLOCATE read_by_type");
        }
      });
      const scans = scansOf(typeof plan === "string" ? JSON.parse(plan) : plan);
      expect(scans, mode).toEqual({ indexes: ["events_stream_type_tx_order"], seqScanOfEvents: false });
    }
    expect(await backend.store.readCommitted({ after: checkpoint, limit: 100, streamTypes: ["rt.quiet"] })).toEqual([]);
  });
});
