import type { CommandRecord, LoadedEvent, LoadedStream, StoredEvent } from "./types.js";

/** Rows as both drivers return them for the statements in sql.ts (ids and positions as text). */
export interface EventRow {
  tenant: string;
  stream_type: string;
  stream_id: string;
  version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown> | null;
  actor_id: string | null;
  command_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  recorded_at: string;
  tx_id: string;
  position: string;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    tenant: row.tenant,
    streamType: row.stream_type,
    streamId: row.stream_id,
    version: row.version,
    eventId: row.event_id,
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data,
    recordedAt: row.recorded_at,
    actorId: row.actor_id,
    commandId: row.command_id,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    metadata: row.metadata ?? {},
    transactionId: BigInt(row.tx_id),
    position: BigInt(row.position),
  };
}

export interface LoadRow {
  stream_version: number | null;
  created_at: string | null;
  updated_at: string | null;
  snapshot_version: number | null;
  snapshot_state: unknown;
  snapshot_recorded_at: string | null;
  /** Actor ids of the first event and of the event at the (time-travel) version. */
  creator: string | null;
  updater: string | null;
  /** [version, type, schemaVersion, data, recordedAt, actorId] per event. */
  events: [number, string, number, unknown, string, string | null][] | null;
  command: CommandRecord | null;
}

/**
 * For a time-travel load the stream row describes now, so version and last recorded time
 * come from the newest of snapshot and tail instead.
 */
export function toLoadedStream(row: LoadRow, timeTravel: boolean): LoadedStream {
  const events: LoadedEvent[] = (row.events ?? []).map(([version, type, schemaVersion, data, recordedAt, actorId]) => ({
    version,
    type,
    schemaVersion,
    data,
    recordedAt,
    actorId,
  }));
  const snapshot = row.snapshot_version === null ? null : { version: row.snapshot_version, state: row.snapshot_state };
  const last = events.at(-1);
  let version = row.stream_version ?? 0;
  let updatedAt = row.updated_at;
  if (timeTravel) {
    version = last?.version ?? snapshot?.version ?? 0;
    updatedAt = last?.recordedAt ?? row.snapshot_recorded_at;
  }
  return {
    version,
    createdAt: version === 0 ? null : row.created_at,
    updatedAt: version === 0 ? null : updatedAt,
    creator: version === 0 ? null : row.creator,
    updater: version === 0 ? null : row.updater,
    snapshot,
    events,
    command: row.command,
  };
}
