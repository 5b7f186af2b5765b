import { ALL_TENANTS } from "../actor.js";
import type { Sql } from "../db/database.js";
import type { Checkpoint, EventStore } from "../store/types.js";
import { reactionId, type AnyReactionDefinition } from "./definition.js";
import { parkedById, setParkedStatus, type ParkedDelivery } from "./tables.js";

/** Where a reaction stands: what `fluvius reactions status` prints. */
export interface ReactionStatus {
  /** `<domain>.<name>` */
  readonly reaction: string;
  readonly checkpoint: Checkpoint;
  /** Events of its trigger type recorded after its checkpoint. */
  readonly lag: number;
  /** Deliveries parked, and asked to run again. */
  readonly parked: number;
  readonly retrying: number;
  /** Timers waiting to fire, and the earliest time one is due. */
  readonly waitingTimers: number;
  readonly nextTimerAt: string | null;
  /** The process running it now (its lease), if any. */
  readonly heldBy: string | null;
}

interface CountsRow {
  lag: string | number;
  parked: string | number;
  retrying: string | number;
  waiting: string | number;
  next_at: string | Date | null;
  held_by: string | null;
}

export async function reactionStatus(store: EventStore, reactions: readonly AnyReactionDefinition[]): Promise<ReactionStatus[]> {
  const statuses: ReactionStatus[] = [];
  for (const reaction of reactions) {
    const id = reactionId(reaction);
    const checkpoint = await store.loadCheckpoint(`reaction:${id}`, ALL_TENANTS);
    const [row] = await store.database.query<CountsRow>(
      `SELECT
         (SELECT count(*) FROM fluvius.events e WHERE e.stream_type = $1::text AND e.event_type = $2::text
            AND (e.tx_id, e.position) > ($3::text::xid8, $4::text::bigint)) AS lag,
         (SELECT count(*) FROM fluvius.parked WHERE reaction = $5::text AND status = 'parked') AS parked,
         (SELECT count(*) FROM fluvius.parked WHERE reaction = $5::text AND status = 'retry') AS retrying,
         (SELECT count(*) FROM fluvius.timers WHERE reaction = $5::text AND status = 'waiting') AS waiting,
         (SELECT min(fire_at) FROM fluvius.timers WHERE reaction = $5::text AND status = 'waiting') AS next_at,
         (SELECT holder FROM fluvius.leases WHERE name = $6::text AND expires_at > clock_timestamp()) AS held_by`,
      [reaction.on.streamType, reaction.on.eventType, checkpoint.transactionId.toString(), checkpoint.position.toString(), id, `worker:reaction:${id}`],
    );
    statuses.push({
      reaction: id,
      checkpoint,
      lag: Number(row?.lag ?? 0),
      parked: Number(row?.parked ?? 0),
      retrying: Number(row?.retrying ?? 0),
      waitingTimers: Number(row?.waiting ?? 0),
      nextTimerAt: row?.next_at ? new Date(row.next_at).toISOString() : null,
      heldBy: row?.held_by ?? null,
    });
  }
  return statuses;
}

/** Where an inbound worker of external events stands: its parked messages and who runs it (the broker knows its backlog). */
export interface InboundStatus {
  /** `inbound:<domain>.<name>` */
  readonly worker: string;
  readonly parked: number;
  readonly retrying: number;
  readonly heldBy: string | null;
}

export async function inboundStatus(sql: Sql, workers: readonly string[]): Promise<InboundStatus[]> {
  const statuses: InboundStatus[] = [];
  for (const worker of workers) {
    const [row] = await sql.query<Pick<CountsRow, "parked" | "retrying" | "held_by">>(
      `SELECT
         (SELECT count(*) FROM fluvius.parked WHERE reaction = $1::text AND status = 'parked') AS parked,
         (SELECT count(*) FROM fluvius.parked WHERE reaction = $1::text AND status = 'retry') AS retrying,
         (SELECT holder FROM fluvius.leases WHERE name = $2::text AND expires_at > clock_timestamp()) AS held_by`,
      [worker, `worker:${worker}`],
    );
    statuses.push({ worker, parked: Number(row?.parked ?? 0), retrying: Number(row?.retrying ?? 0), heldBy: row?.held_by ?? null });
  }
  return statuses;
}

export type ParkedResolution =
  | { readonly ok: true; readonly delivery: ParkedDelivery }
  | { readonly ok: false; readonly reason: "not-found" | "not-open"; readonly delivery?: ParkedDelivery };

/** Asks the reaction's worker to run a parked delivery again (it does on its next pass). */
export async function retryParked(sql: Sql, id: string, now = new Date()): Promise<ParkedResolution> {
  return resolveParked(sql, id, ["parked"], "retry", now);
}

/** Gives up on a parked delivery for good: the reaction will not act on that event. */
export async function skipParked(sql: Sql, id: string, now = new Date()): Promise<ParkedResolution> {
  return resolveParked(sql, id, ["parked", "retry"], "skipped", now);
}

async function resolveParked(
  sql: Sql,
  id: string,
  from: readonly ParkedDelivery["status"][],
  to: ParkedDelivery["status"],
  now: Date,
): Promise<ParkedResolution> {
  const before = await parkedById(sql, id);
  if (!before) return { ok: false, reason: "not-found" };
  if (!(await setParkedStatus(sql, id, from, to, now))) return { ok: false, reason: "not-open", delivery: before };
  return { ok: true, delivery: { ...before, status: to } };
}
