import { randomUUID } from "node:crypto";
import { ALL_TENANTS, assertTenant, isUuid, streamIdOf } from "../actor.js";
import { isUniqueViolation, type Database, type Sql } from "../db/database.js";
import { DuplicateEventError, InvalidArgumentError, VersionConflictError } from "../errors.js";
import { parseInstant } from "../time.js";
import { toLoadedStream, toStoredEvent, type EventRow, type LoadRow } from "./rows.js";
import {
  commitStatement,
  LOAD_CHECKPOINT_SQL,
  LOAD_SQL,
  READ_COMMITTED_BY_TYPE_SQL,
  READ_COMMITTED_SQL,
  FENCE_SQL,
  HEAD_CHECKPOINT_SQL,
  READ_STREAM_SQL,
  RECORD_OUTCOME_SQL,
  RESET_CHECKPOINT_SQL,
  SAVE_CHECKPOINT_SQL,
  STREAM_INFO_SQL,
} from "./sql.js";
import type {
  AppendOptions,
  AppendResult,
  Checkpoint,
  CommitRequest,
  EventStore,
  Fence,
  LoadedStream,
  LoadRequest,
  NewEvent,
  ReadCommittedOptions,
  OutcomeRequest,
  StoredEvent,
  StreamInfo,
  StreamRef,
  TenantStore,
} from "./types.js";
import { EXISTING_STREAMS_SQL, rowWithValuesSql } from "./lookups.js";
import type { ReadModelDefinition } from "../definition.js";
import { START } from "./types.js";
import { commitSignalOf, type CommitListener, type CommitSignal } from "./commit-signal.js";

interface CommitRow {
  version: number;
  event_id: string;
  tx_id: string;
  position: string;
  base: number;
  recorded_at: string;
  created_at: string;
}

/** How often an "any" append retries when another transaction got ahead (see commitStatement). */
const ANY_ATTEMPTS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function checkVersion(value: number | undefined, name: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new InvalidArgumentError(`${name} must be a non-negative integer.`);
}

function checkStreamType(streamType: string): void {
  if (typeof streamType !== "string" || streamType.length === 0) throw new InvalidArgumentError("A stream type is required.");
}

/** One tenant's view of the store, on the pool or inside a transaction. */
class TenantScope implements TenantStore {
  constructor(
    private readonly sql: Sql,
    readonly tenant: string,
    private readonly inTransaction: boolean,
    /** Told of each successful append (after its commit, or collected until the transaction's). */
    private readonly appended: (streamType: string) => void,
  ) {
    assertTenant(tenant);
  }

  async append(streamType: string, streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.commit({ ...options, streamType, streamId, events });
  }

  async commit(request: CommitRequest): Promise<AppendResult> {
    checkStreamType(request.streamType);
    const streamId = streamIdOf(request.streamId);
    const { expected } = request;
    if (typeof expected === "number") checkVersion(expected, "The expected version");
    if (request.events.length === 0) throw new InvalidArgumentError("An append needs at least one event.");
    const events = request.events.map((e) => {
      if (e.eventId !== undefined && !isUuid(e.eventId)) throw new InvalidArgumentError(`Event id ${e.eventId} is not a UUID.`);
      return { id: e.eventId ?? randomUUID(), type: e.type, schemaVersion: e.schemaVersion, data: e.data ?? {} };
    });
    const statement = commitStatement({
      tenant: this.tenant,
      streamType: request.streamType,
      streamId,
      expected,
      eventsJson: JSON.stringify(events),
      count: events.length,
      recordedAt: request.recordedAt ?? null,
      actorId: request.actorId ?? null,
      commandId: request.commandId ?? null,
      correlationId: request.correlationId ?? null,
      causationId: request.causationId ?? null,
      metadataJson: JSON.stringify(request.metadata ?? {}),
      ...(request.readModel && {
        readModel: {
          definition: request.readModel.definition,
          columnsJson: JSON.stringify(request.readModel.columns),
          creator: request.readModel.creator === undefined ? (request.actorId ?? null) : request.readModel.creator,
        },
      }),
      ...(request.snapshot && { snapshot: { specHash: request.snapshot.specHash, stateJson: JSON.stringify(request.snapshot.state) } }),
      ...(request.views !== undefined && request.views.length > 0 && { views: request.views }),
      ...(request.idempotency && request.commandId !== undefined && { idempotency: { commandId: request.commandId, ...request.idempotency } }),
      ...(request.requiredStreams &&
        request.requiredStreams.length > 0 && {
          requiredStreams: { types: request.requiredStreams.map((r) => r.streamType), ids: request.requiredStreams.map((r) => streamIdOf(r.streamId)) },
        }),
    });

    const attempts = expected === "any" && !this.inTransaction ? ANY_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      let rows: CommitRow[];
      try {
        rows = await this.sql.query<CommitRow>(statement.text, statement.values);
      } catch (error) {
        if (isUniqueViolation(error, "events_event_id_unique")) throw new DuplicateEventError(events.map((e) => e.id));
        throw error;
      }
      const first = rows[0];
      if (first !== undefined) {
        this.appended(request.streamType);
        return {
          streamId,
          fromVersion: first.base,
          version: first.base + rows.length,
          recordedAt: first.recorded_at,
          createdAt: first.created_at,
          events: rows.map((r) => ({ version: r.version, eventId: r.event_id, transactionId: BigInt(r.tx_id), position: BigInt(r.position) })),
        };
      }
      // The actual version is not read here: the command pipeline reloads on a conflict anyway.
      if (attempt >= attempts) throw new VersionConflictError(streamId, expected, undefined, false);
      // Jittered backoff: writers that keep meeting on one stream spread out instead of colliding again.
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }

  async recordOutcome(request: OutcomeRequest): Promise<boolean> {
    try {
      await this.sql.query(RECORD_OUTCOME_SQL, [
        this.tenant,
        request.commandId,
        request.requestHash,
        request.streamType,
        streamIdOf(request.streamId),
        request.action,
        request.version,
        request.rejection === null ? null : JSON.stringify(request.rejection),
      ]);
      return true;
    } catch (error) {
      if (isUniqueViolation(error, "commands_pkey")) return false;
      throw error;
    }
  }

  async existingStreams(refs: readonly StreamRef[]): Promise<StreamRef[]> {
    if (refs.length === 0) return [];
    const rows = await this.sql.query<{ stream_type: string; stream_id: string }>(EXISTING_STREAMS_SQL, [
      this.tenant,
      refs.map((r) => r.streamType),
      refs.map((r) => streamIdOf(r.streamId)),
    ]);
    return rows.map((r) => ({ streamType: r.stream_type, streamId: r.stream_id }));
  }

  async findRow(readModel: ReadModelDefinition, columns: Readonly<Record<string, unknown>>, exceptId?: string): Promise<string | undefined> {
    const [row] = await this.sql.query<{ id: string }>(rowWithValuesSql(readModel, Object.keys(columns)), [
      this.tenant,
      JSON.stringify(columns),
      exceptId === undefined ? null : streamIdOf(exceptId),
    ]);
    return row?.id;
  }

  async readStream(streamType: string, streamId: string, options: { afterVersion?: number; limit?: number } = {}): Promise<StoredEvent[]> {
    checkVersion(options.afterVersion, "afterVersion");
    checkVersion(options.limit, "limit");
    const rows = await this.sql.query<EventRow>(READ_STREAM_SQL, [
      this.tenant,
      streamType,
      streamIdOf(streamId),
      options.afterVersion ?? 0,
      options.limit ?? null,
    ]);
    return rows.map(toStoredEvent);
  }

  async streamInfo(streamType: string, streamId: string): Promise<StreamInfo | null> {
    const [row] = await this.sql.query<{ version: number; created_at: string; updated_at: string }>(STREAM_INFO_SQL, [
      this.tenant,
      streamType,
      streamIdOf(streamId),
    ]);
    return row ? { version: row.version, createdAt: row.created_at, updatedAt: row.updated_at } : null;
  }

  async load(streamType: string, streamId: string, request: LoadRequest): Promise<LoadedStream> {
    checkVersion(request.toVersion, "toVersion");
    if (request.at !== undefined && parseInstant(request.at) === undefined)
      throw new InvalidArgumentError(`Not an ISO 8601 time with a zone (years 0001-9999): ${request.at}.`);
    const [row] = await this.sql.query<LoadRow>(LOAD_SQL, [
      this.tenant,
      streamType,
      streamIdOf(streamId),
      request.specHash,
      request.commandId ?? null,
      request.toVersion ?? null,
      request.at ?? null,
    ]);
    if (!row) throw new Error("The load statement returned no row.");
    return toLoadedStream(row, request.toVersion !== undefined || request.at !== undefined);
  }
}

export interface SqlEventStoreOptions {
  /**
   * After each commit, pg_notify on COMMIT_CHANNEL (coalesced, see commit-signal.ts), so
   * workers in other processes wake at once (default: on PostgreSQL; the embedded database
   * has no other process to tell).
   */
  readonly notifyCommits?: boolean;
}

/** The event store on either driver (the SQL is the same: PGlite is PostgreSQL). */
export class SqlEventStore implements EventStore {
  private readonly notify: boolean;
  private readonly signal: CommitSignal;

  constructor(
    readonly database: Database,
    options: SqlEventStoreOptions = {},
  ) {
    this.notify = options.notifyCommits ?? database.kind === "postgres";
    this.signal = commitSignalOf(database);
  }

  onCommit(listener: CommitListener): () => void {
    return this.signal.subscribe(listener);
  }

  get backend(): "postgres" | "pglite" {
    return this.database.kind;
  }

  forTenant(tenant: string): TenantStore {
    return new TenantScope(this.database, tenant, false, (type) => this.signal.committed(type, this.notify));
  }

  async transaction<T>(fn: (scope: { forTenant(tenant: string): TenantStore }) => Promise<T>): Promise<T> {
    // Told only once the transaction has committed: before that, no reader can see the events.
    const appended = new Set<string>();
    const collect = (type: string) => void appended.add(type);
    const result = await this.database.transaction((sql) => fn({ forTenant: (tenant) => new TenantScope(sql, tenant, true, collect) }));
    for (const type of appended) this.signal.committed(type, this.notify);
    return result;
  }

  async readCommitted(options: ReadCommittedOptions): Promise<StoredEvent[]> {
    if (options.tenant !== undefined) assertTenant(options.tenant);
    const after = [options.after.transactionId.toString(), options.after.position.toString(), options.tenant ?? ALL_TENANTS];
    // No filter (absent, or null from plain JavaScript): every stream type, on the global order.
    const rows = !options.streamTypes
      ? await this.database.query<EventRow>(READ_COMMITTED_SQL, [...after, options.limit])
      : await this.database.query<EventRow>(READ_COMMITTED_BY_TYPE_SQL, [...after, [...options.streamTypes], options.limit]);
    return rows.map(toStoredEvent);
  }

  async headCheckpoint(): Promise<Checkpoint> {
    const [row] = await this.database.query<{ tx_id: string; position: string }>(HEAD_CHECKPOINT_SQL, []);
    return row ? { transactionId: BigInt(row.tx_id), position: BigInt(row.position) } : START;
  }

  async fence(): Promise<Fence> {
    const [row] = await this.database.query<{ fence: string; newest: string | null }>(FENCE_SQL, []);
    if (!row) throw new Error("the fence query returned no row");
    return { below: BigInt(row.fence), ...(row.newest !== null && { newestCommitted: BigInt(row.newest) }) };
  }

  async loadCheckpoint(name: string, tenant: string = ALL_TENANTS): Promise<Checkpoint> {
    const [row] = await this.database.query<{ tx_id: string; position: string }>(LOAD_CHECKPOINT_SQL, [tenant, name]);
    return row ? { transactionId: BigInt(row.tx_id), position: BigInt(row.position) } : START;
  }

  async saveCheckpoint(name: string, checkpoint: Checkpoint, tenant: string = ALL_TENANTS): Promise<void> {
    await this.database.query(SAVE_CHECKPOINT_SQL, [tenant, name, checkpoint.transactionId.toString(), checkpoint.position.toString()]);
  }

  async resetCheckpoint(name: string, tenant: string = ALL_TENANTS): Promise<void> {
    await this.database.query(RESET_CHECKPOINT_SQL, [tenant, name]);
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
