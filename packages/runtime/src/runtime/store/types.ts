import type { Database } from "../db/database.js";
import type { EventShape, ReadModelDefinition } from "../definition.js";
import type { ExpectedVersion } from "../errors.js";
import type { ViewWrite } from "../views/definition.js";

/** Everything recorded about an event except its payload. */
export interface EventEnvelope {
  readonly tenant: string;
  /** "<domain>.<aggregate>" */
  readonly streamType: string;
  readonly streamId: string;
  /** 1, 2, 3… within the stream, without gaps. */
  readonly version: number;
  readonly eventId: string;
  /** ISO 8601 UTC with milliseconds; never earlier than the previous event of the stream. */
  readonly recordedAt: string;
  readonly actorId: string | null;
  readonly commandId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The writing transaction (xid8). Events are delivered to subscriptions in (transactionId, position) order. */
  readonly transactionId: bigint;
  /** Global insertion order; not commit order, so never page by it alone. */
  readonly position: bigint;
}

/** An event as stored: at the schema version it was written with. */
export interface StoredEvent extends EventEnvelope {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}

/** An event as code reads it: upcast to the current version. */
export interface EventRecord<E extends EventShape = EventShape> extends EventEnvelope {
  readonly event: E;
  /** The version it is stored with (the event's `version` is the current one). */
  readonly storedSchemaVersion: number;
}

export interface NewEvent {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  /** Generated when absent. An id already stored is refused (DuplicateEventError). */
  readonly eventId?: string;
}

export interface AppendOptions {
  /** A number n: the stream is at exactly n (0 = does not exist); "no-stream"; "any". */
  readonly expected: ExpectedVersion;
  readonly actorId?: string;
  readonly commandId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface AppendedEvent {
  readonly version: number;
  readonly eventId: string;
  readonly transactionId: bigint;
  readonly position: bigint;
}

export interface AppendResult {
  readonly streamId: string;
  /** Version before the append (0 for a new stream). */
  readonly fromVersion: number;
  readonly version: number;
  readonly recordedAt: string;
  /** When the stream's first event was recorded. */
  readonly createdAt: string;
  readonly events: readonly AppendedEvent[];
}

export interface StreamInfo {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A subscription's position in the commit-safe order. */
export interface Checkpoint {
  readonly transactionId: bigint;
  readonly position: bigint;
}

export const START: Checkpoint = { transactionId: 0n, position: 0n };

/** The error a command was rejected with, as recorded for idempotent retries. */
export interface RecordedRejection {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface CommandRecord {
  readonly requestHash: string;
  readonly streamId: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly rejection: RecordedRejection | null;
}

/** What the command pipeline reads in one statement. */
export interface LoadRequest {
  /** Snapshots are used only when taken under this hash. */
  readonly specHash: string;
  /** Also fetch this command id's recorded outcome. */
  readonly commandId?: string;
  /** Time travel: the stream as of this version … */
  readonly toVersion?: number;
  /** … or as of this time (ISO 8601). */
  readonly at?: string;
}

export interface LoadedEvent {
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly recordedAt: string;
  readonly actorId: string | null;
}

export interface LoadedStream {
  /** The current version, or as of the time-travel target; 0: no stream (then). */
  readonly version: number;
  readonly createdAt: string | null;
  /** Recorded time of the event at `version`. */
  readonly updatedAt: string | null;
  /** Actor id of the first event (null: none, or no stream). */
  readonly creator: string | null;
  /** Actor id of the event at `version` (null: none, or no stream). */
  readonly updater: string | null;
  readonly snapshot: { readonly version: number; readonly state: unknown } | null;
  /** The events after the snapshot, up to `version`, in order. */
  readonly events: readonly LoadedEvent[];
  readonly command: CommandRecord | null;
}

/** One atomic write: events, stream version, read-model row, views' rows, snapshot and command outcome. */
export interface CommitRequest extends AppendOptions {
  /** The rows of views these events change (docs/views.md). */
  readonly views?: readonly ViewWrite[];
  readonly streamType: string;
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  /** The time to record; the store never records one earlier than the stream's latest. */
  readonly recordedAt?: string;
  /**
   * The aggregate's row after these events (state columns by column name). `creator`: the
   * actor of the stream's first event, written if the row is inserted (default: `actorId`; the
   * command pipeline passes the one it knows, so a row lost by hand comes back right).
   */
  readonly readModel?: { readonly definition: ReadModelDefinition; readonly columns: Readonly<Record<string, unknown>>; readonly creator?: string | null };
  readonly snapshot?: { readonly specHash: string; readonly state: unknown };
  /** Record the outcome under `commandId` for idempotent retries. */
  readonly idempotency?: { readonly requestHash: string; readonly action: string };
  /**
   * Streams of the tenant that must exist (a command's checked refs): when one does not, the
   * write does nothing and fails like a version conflict, so the check costs no round trip.
   */
  readonly requiredStreams?: readonly StreamRef[];
}

/** The outcome of a command that appended nothing: rejected, or a handler that decided on no events. */
export interface OutcomeRequest {
  readonly streamType: string;
  readonly streamId: string;
  readonly commandId: string;
  readonly requestHash: string;
  readonly action: string;
  readonly version: number;
  readonly rejection: RecordedRejection | null;
}

/** Every stream operation, bound to one tenant. There is no way to pass another tenant to it. */
export interface TenantStore {
  readonly tenant: string;
  append(streamType: string, streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** Events after `afterVersion` (default 0), oldest first: at most `limit`, all of them without one. */
  readStream(streamType: string, streamId: string, options?: { readonly afterVersion?: number; readonly limit?: number }): Promise<StoredEvent[]>;
  streamInfo(streamType: string, streamId: string): Promise<StreamInfo | null>;
  /** Snapshot + tail (+ a command's recorded outcome) in one statement. */
  load(streamType: string, streamId: string, request: LoadRequest): Promise<LoadedStream>;
  /** The command pipeline's write. Throws VersionConflictError when `expected` does not hold. */
  commit(request: CommitRequest): Promise<AppendResult>;
  /** Records the outcome of a command that appended nothing; false when the command id was recorded meanwhile. */
  recordOutcome(request: OutcomeRequest): Promise<boolean>;
  /** Which of these streams exist in the tenant (one statement for all of them). */
  existingStreams(refs: readonly StreamRef[]): Promise<StreamRef[]>;
  /** The id of a read-model row whose columns hold these values (other than `exceptId`), if any. */
  findRow(readModel: ReadModelDefinition, columns: Readonly<Record<string, unknown>>, exceptId?: string): Promise<string | undefined>;
}

export interface StreamRef {
  readonly streamType: string;
  readonly streamId: string;
}

export interface ReadCommittedOptions {
  readonly after: Checkpoint;
  readonly limit: number;
  /** Only this tenant's events; all tenants when absent. */
  readonly tenant?: string;
  readonly streamTypes?: readonly string[];
}

export interface TransactionScope {
  forTenant(tenant: string): TenantStore;
}

/**
 * readCommitted reads transactions below `below` only: all of them have ended. A committed
 * event at or above it waits for an older transaction still running on the server
 * (transaction ids are server-wide, so one in another database counts too).
 */
export interface Fence {
  readonly below: bigint;
  /** The transaction of the newest committed event; absent when the store has none. */
  readonly newestCommitted?: bigint;
}

export interface EventStore {
  readonly backend: "postgres" | "pglite";
  /** The connection, for read-model queries and replay. */
  readonly database: Database;
  forTenant(tenant: string): TenantStore;
  /** Several appends in one transaction (all or none). Inside it, use only the given scope. */
  transaction<T>(fn: (scope: TransactionScope) => Promise<T>): Promise<T>;
  /**
   * Events in commit-safe order after a checkpoint: only from transactions older than every
   * transaction still running, so one that commits late can never be skipped.
   */
  readCommitted(options: ReadCommittedOptions): Promise<StoredEvent[]>;
  /** The newest event readCommitted can return now (START when none): where a live feed begins. */
  headCheckpoint(): Promise<Checkpoint>;
  /** Where readCommitted's fence stands now, and the newest committed event's transaction. */
  fence(): Promise<Fence>;
  loadCheckpoint(name: string, tenant?: string): Promise<Checkpoint>;
  /** Never moves a checkpoint backwards. */
  saveCheckpoint(name: string, checkpoint: Checkpoint, tenant?: string): Promise<void>;
  resetCheckpoint(name: string, tenant?: string): Promise<void>;
  /**
   * Calls the listener after commits (the stream type, or undefined when anything may have
   * been committed): this process's through any store on the same database, and on
   * PostgreSQL other processes' too. A hint to read now, never a delivery. Returns the unsubscribe.
   */
  onCommit(listener: (streamType: string | undefined) => void): () => void;
  close(): Promise<void>;
}
