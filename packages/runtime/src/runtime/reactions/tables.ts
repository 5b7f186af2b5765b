import type { Sql } from "../db/database.js";
import { toStoredEvent, type EventRow } from "../store/rows.js";
import { EVENT_COLUMNS } from "../store/sql.js";
import type { RecordedRejection, StoredEvent } from "../store/types.js";

/** The reactions' system tables (fluvius.timers, fluvius.parked; schema v2), one statement per function. */

export interface TimerRow {
  readonly tenant: string;
  readonly reaction: string;
  readonly eventId: string;
  readonly streamType: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly fireAt: string;
}

/** Idempotent: a redelivered starting event finds its timer already there. */
export async function insertTimer(sql: Sql, timer: TimerRow, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO fluvius.timers (tenant, reaction, event_id, stream_type, stream_id, stream_version, fire_at, created_at)
     VALUES ($1::text, $2::text, $3::uuid, $4::text, $5::uuid, $6::integer, $7::timestamptz, $8::timestamptz)
     ON CONFLICT (tenant, reaction, event_id) DO NOTHING`,
    [timer.tenant, timer.reaction, timer.eventId, timer.streamType, timer.streamId, timer.streamVersion, timer.fireAt, now.toISOString()],
  );
}

interface DueRow {
  tenant: string;
  reaction: string;
  event_id: string;
  stream_type: string;
  stream_id: string;
  stream_version: number;
  fire_at: string | Date;
}

/** Waiting timers whose time has come, oldest first. */
export async function dueTimers(sql: Sql, now: Date, limit: number): Promise<TimerRow[]> {
  const rows = await sql.query<DueRow>(
    `SELECT tenant, reaction, event_id::text AS event_id, stream_type, stream_id::text AS stream_id, stream_version, fire_at
       FROM fluvius.timers WHERE status = 'waiting' AND fire_at <= $1::timestamptz ORDER BY fire_at LIMIT $2::integer`,
    [now.toISOString(), limit],
  );
  return rows.map((r) => ({
    tenant: r.tenant,
    reaction: r.reaction,
    eventId: r.event_id,
    streamType: r.stream_type,
    streamId: r.stream_id,
    streamVersion: Number(r.stream_version),
    fireAt: new Date(r.fire_at).toISOString(),
  }));
}

export type TimerOutcome = "fired" | "cancelled" | "parked";

/** Only a waiting timer moves on, so two firings of one timer record one outcome. */
export async function finishTimer(sql: Sql, timer: Pick<TimerRow, "tenant" | "reaction" | "eventId">, outcome: TimerOutcome, now: Date): Promise<void> {
  await sql.query(
    `UPDATE fluvius.timers SET status = $4::text, done_at = $5::timestamptz
      WHERE tenant = $1::text AND reaction = $2::text AND event_id = $3::uuid AND status IN ('waiting', 'parked')`,
    [timer.tenant, timer.reaction, timer.eventId, outcome, now.toISOString()],
  );
}

/** Whether one of `eventTypes` was recorded in the stream after `version`: it cancels the timer. */
export async function cancelledAfter(sql: Sql, timer: TimerRow, eventTypes: readonly string[]): Promise<boolean> {
  if (eventTypes.length === 0) return false;
  const rows = await sql.query(
    `SELECT 1 FROM fluvius.events
      WHERE tenant = $1::text AND stream_type = $2::text AND stream_id = $3::uuid AND version > $4::integer AND event_type = ANY ($5::text[])
      LIMIT 1`,
    [timer.tenant, timer.streamType, timer.streamId, timer.streamVersion, [...eventTypes]],
  );
  return rows.length > 0;
}

export interface ParkedDelivery {
  readonly id: string;
  readonly tenant: string;
  readonly reaction: string;
  readonly eventId: string;
  readonly status: "parked" | "retry" | "resolved" | "skipped";
  readonly attempts: number;
  readonly error: RecordedRejection;
  readonly parkedAt: string;
  readonly updatedAt: string;
  /** An inbound message that could not be recorded: what to record on retry (schema v3). */
  readonly message?: InboundMessage;
}

/** What a parked inbound message keeps of the broker's message: enough to record it later. */
export interface InboundMessage {
  /** Its identity across redeliveries: the fluvius event id, else Nats-Msg-Id, else `<stream>:<sequence>`. */
  readonly key: string;
  readonly subject: string;
  /** The body as received (text: it may not even be JSON). */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Parks a delivery (again: attempts add up, the latest error is kept). */
export async function park(
  sql: Sql,
  delivery: { id: string; tenant: string; reaction: string; eventId: string; attempts: number; error: RecordedRejection; message?: InboundMessage },
  now: Date,
): Promise<void> {
  // Without a message the column is left out, so a database at schema v2 parks reactions as before.
  const [column, value] = delivery.message === undefined ? ["", ""] : [", message", ", $8::jsonb"];
  await sql.query(
    `INSERT INTO fluvius.parked AS p (id, tenant, reaction, event_id, status, attempts, error, parked_at, updated_at${column})
     VALUES ($1::uuid, $2::text, $3::text, $4::uuid, 'parked', $5::integer, $6::jsonb, $7::timestamptz, $7::timestamptz${value})
     ON CONFLICT (tenant, reaction, event_id) DO UPDATE
       SET status = 'parked', attempts = p.attempts + EXCLUDED.attempts, error = EXCLUDED.error, updated_at = EXCLUDED.updated_at`,
    [
      delivery.id,
      delivery.tenant,
      delivery.reaction,
      delivery.eventId,
      delivery.attempts,
      JSON.stringify(delivery.error),
      now.toISOString(),
      ...(delivery.message === undefined ? [] : [JSON.stringify(delivery.message)]),
    ],
  );
}

interface ParkedRow {
  id: string;
  tenant: string;
  reaction: string;
  event_id: string;
  status: ParkedDelivery["status"];
  attempts: number;
  error: RecordedRejection | string;
  parked_at: string | Date;
  updated_at: string | Date;
  message?: InboundMessage | string | null;
}

/** `message` is schema v3's: the workers and `fluvius reactions` run only on a current schema. */
const PARKED_COLUMNS = "id::text AS id, tenant, reaction, event_id::text AS event_id, status, attempts, error, parked_at, updated_at, message";

function parkedOf(r: ParkedRow): ParkedDelivery {
  return {
    id: r.id,
    tenant: r.tenant,
    reaction: r.reaction,
    eventId: r.event_id,
    status: r.status,
    attempts: Number(r.attempts),
    error: typeof r.error === "string" ? (JSON.parse(r.error) as RecordedRejection) : r.error,
    parkedAt: new Date(r.parked_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    ...(r.message === undefined || r.message === null
      ? {}
      : { message: typeof r.message === "string" ? (JSON.parse(r.message) as InboundMessage) : r.message }),
  };
}

/** Deliveries of a reaction that `reactions retry` asked to run again. */
export async function retriesOf(sql: Sql, reaction: string, limit: number): Promise<ParkedDelivery[]> {
  const rows = await sql.query<ParkedRow>(
    `SELECT ${PARKED_COLUMNS} FROM fluvius.parked WHERE reaction = $1::text AND status = 'retry' ORDER BY parked_at LIMIT $2::integer`,
    [reaction, limit],
  );
  return rows.map(parkedOf);
}

/** Open (parked or to retry) deliveries, of one reaction or all. */
export async function openParked(sql: Sql, reaction?: string, limit = 100): Promise<ParkedDelivery[]> {
  const rows = await sql.query<ParkedRow>(
    `SELECT ${PARKED_COLUMNS} FROM fluvius.parked WHERE status IN ('parked', 'retry') AND ($1::text IS NULL OR reaction = $1::text)
      ORDER BY parked_at LIMIT $2::integer`,
    [reaction ?? null, limit],
  );
  return rows.map(parkedOf);
}

/** How many deliveries are parked and asked to run again, of every reaction (also ones no longer in the spec). */
export async function countOpenParked(sql: Sql): Promise<{ parked: number; retrying: number }> {
  const [row] = await sql.query<{ parked: string | number; retrying: string | number }>(
    `SELECT count(*) FILTER (WHERE status = 'parked') AS parked, count(*) FILTER (WHERE status = 'retry') AS retrying
       FROM fluvius.parked WHERE status IN ('parked', 'retry')`,
  );
  return { parked: Number(row?.parked ?? 0), retrying: Number(row?.retrying ?? 0) };
}

export async function parkedById(sql: Sql, id: string): Promise<ParkedDelivery | undefined> {
  const [row] = await sql.query<ParkedRow>(`SELECT ${PARKED_COLUMNS} FROM fluvius.parked WHERE id = $1::uuid`, [id]);
  return row ? parkedOf(row) : undefined;
}

/** Moves a delivery between states; only from one of `from`. False when it was not in one of them. */
export async function setParkedStatus(
  sql: Sql,
  id: string,
  from: readonly ParkedDelivery["status"][],
  to: ParkedDelivery["status"],
  now: Date,
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE fluvius.parked SET status = $3::text, updated_at = $4::timestamptz WHERE id = $1::uuid AND status = ANY ($2::text[]) RETURNING id`,
    [id, [...from], to, now.toISOString()],
  );
  return rows.length > 0;
}

/** One stored event by its id, in its tenant (timers and retries hold the id, not the event). */
export async function eventById(sql: Sql, tenant: string, eventId: string): Promise<StoredEvent | undefined> {
  const [row] = await sql.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM fluvius.events e WHERE e.tenant = $1::text AND e.event_id = $2::uuid`, [
    tenant,
    eventId,
  ]);
  return row ? toStoredEvent(row) : undefined;
}
