import { randomUUID } from "node:crypto";
import { assertTenant, streamIdOf, type Actor } from "../actor.js";
import { isUniqueViolation } from "../db/database.js";
import { streamTypeOf, type ActionDefinition, type AggregateDefinition, type EventShape } from "../definition.js";
import {
  ActorIdNotUuidError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  InvalidArgumentError,
  InvalidEventError,
  NotFoundError,
  StreamExistsError,
  UniqueViolationError,
  VersionConflictError,
} from "../errors.js";
import { naturalKeyId, naturalKeyValue } from "../natural-key.js";
import { assertReferences, referencesOf } from "./references.js";
import { columnValue } from "./column-value.js";
import { uniqueViolationOf } from "./unique.js";
import { itemOf, nonUuidColumn, rowColumns, type Item } from "../read-model.js";
import type { CommandRecord, EventRecord, EventStore, LoadedStream, TenantStore } from "../store/types.js";
import type { AggregateService, CommandInput, CommandResult, ServiceOptions } from "./types.js";
import { actionOf, checkPayload, checkWhen, runHandler } from "./decide.js";
import { applyNew, stateOf, toEventRecord } from "./fold.js";
import { decodeRejection, encodeRejection, isRecordableRejection } from "./rejection.js";
import { requestHash } from "./request-hash.js";
import { StreamCache } from "./stream-cache.js";
import { StreamQueue } from "./stream-queue.js";
import { snapshotKey } from "../snapshot-key.js";
import { applyWithViews, nonUuidViewValue } from "../views/changes.js";
import { inlineViewSourcesFor } from "../views/definition.js";
import { missingLookups } from "../lookups/reader.js";
import { aggregateLister } from "../read/aggregate-list.js";

/** What a command decides on: a state at a version. */
interface Base<S> {
  readonly state: S;
  readonly version: number;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly creator: string | null;
  readonly updater: string | null;
  readonly snapshotVersion: number;
}

/** An attempt that lost a race: decide again on a freshly loaded state. */
const RETRY = Symbol("retry");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The time to record: the clock, but never before the stream's latest event. */
function clock(updatedAt: string | null): string {
  const now = new Date().toISOString();
  return updatedAt !== null && updatedAt > now ? updatedAt : now;
}

export function createAggregateService<S, E extends EventShape, A extends object>(
  store: EventStore,
  definition: AggregateDefinition<S, E, A>,
  options: ServiceOptions,
): AggregateService<S, E, A> {
  const { policy } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  const cache = new StreamCache(options.cacheSize ?? 1000);
  const queue = new StreamQueue();
  const streamType = streamTypeOf(definition);
  // Snapshots are stored and read under it: a fold that changed never reads an old one.
  const snapshotHash = snapshotKey(definition);
  const readPermission = `${definition.aggregate}:read`;
  const historyPermission = `${definition.aggregate}:history`;
  const cacheKey = (tenant: string, streamId: string) => `${tenant}\u0000${streamId}`;
  const viewSources = inlineViewSourcesFor(options.views ?? [], streamType);
  const lookupsFor = options.lookups ?? missingLookups;

  type Command = CommandInput<A, keyof A & string>;
  type Action = ActionDefinition<S, unknown, E>;

  function scope(actor: Actor): TenantStore {
    assertTenant(actor?.tenant);
    return store.forTenant(actor.tenant);
  }

  function itemFrom(state: S, id: string, loaded: LoadedStream): Item<S> {
    return itemOf(state, id, {
      version: loaded.version,
      created: loaded.createdAt ?? "",
      updated: loaded.updatedAt ?? "",
      creator: loaded.creator,
      updater: loaded.updater,
    });
  }

  /** Loads the current state for a query and authorizes it: 404 before 403, as for commands. */
  async function authorizedCurrent(actor: Actor, streamId: string, permission: string) {
    const tenant = scope(actor);
    if (!policy.mayAllow(actor, permission)) throw new ForbiddenError(permission);
    const id = streamIdOf(streamId);
    const loaded = await tenant.load(streamType, id, { specHash: snapshotHash });
    if (loaded.version === 0) throw new NotFoundError(id);
    const state = stateOf(definition, loaded.snapshot, loaded.events);
    if (!policy.can(actor, permission, state as object, { _id: id, _creator: loaded.creator })) throw new ForbiddenError(permission);
    return { tenant, id, loaded, state };
  }

  /** The stream id a creating payload derives (`id: { from }`); undefined without a natural key. */
  function naturalId(payload: unknown): string | undefined {
    const key = definition.naturalKey;
    if (key === undefined) return undefined;
    const value = naturalKeyValue(key, (payload as Readonly<Record<string, unknown>>)[key.field]);
    // The payload schema requires the field: a value missing here is a bug in the definition.
    if (value === undefined) throw new InvalidEventError(`The payload has no usable '${key.field}', the natural key of ${definition.aggregate}.`);
    return naturalKeyId(definition.domain, definition.aggregate, value);
  }

  /** A retry of a command already recorded: its first outcome, nothing appended. */
  async function previousOutcome(tenant: TenantStore, record: CommandRecord, hash: string, commandId: string): Promise<CommandResult<S, E>> {
    if (record.requestHash !== hash) throw new IdempotencyKeyReusedError(commandId);
    if (record.rejection) throw decodeRejection(record.rejection);
    const at = await tenant.load(streamType, record.streamId, { specHash: snapshotHash, toVersion: record.toVersion });
    const state = stateOf(definition, at.snapshot, at.events);
    const count = record.toVersion - record.fromVersion;
    const stored = count > 0 ? await tenant.readStream(streamType, record.streamId, { afterVersion: record.fromVersion, limit: count }) : [];
    return {
      streamId: record.streamId,
      version: record.toVersion,
      events: stored.map((e) => toEventRecord(definition, e)),
      state,
      item: itemFrom(state, record.streamId, at),
      duplicate: true,
    };
  }

  /**
   * The stream a key names: derived for the natural key (no read), looked up in the read
   * model for a single unique field; undefined for a value that cannot be one of the field.
   */
  async function idBy(tenant: TenantStore, field: string, value: string): Promise<string | undefined> {
    const key = definition.naturalKey;
    if (key !== undefined && key.field === field) {
      const spelled = naturalKeyValue(key, value);
      return spelled === undefined ? undefined : naturalKeyId(definition.domain, definition.aggregate, spelled);
    }
    const readModel = definition.readModel;
    const column = readModel?.columns.find((c) => c.field === field);
    if (readModel === undefined || column === undefined || !readModel.unique?.some((u) => u.fields.length === 1 && u.fields[0] === field)) {
      throw new InvalidArgumentError(`'${field}' is neither the natural key nor a unique field of ${definition.aggregate}.`);
    }
    const typed = columnValue(column.kind, value);
    return typed === undefined ? undefined : tenant.findRow(readModel, { [column.column]: typed });
  }

  /** Runs `when` and the handler on a base state. */
  function decide(tenant: TenantStore, command: Command, action: Action, streamId: string, base: Base<S>, now: string): Promise<E[]> {
    checkWhen(command.action, action, base.state);
    const { get, find } = lookupsFor(definition.domain, tenant.tenant);
    return runHandler(definition, command.action, action, {
      get,
      find,
      state: base.state,
      payload: command.payload,
      actor: command.actor,
      tenant: tenant.tenant,
      streamId,
      version: base.version,
      now,
    });
  }

  /** Applies the events and writes everything in one statement; RETRY when the stream or the command id moved on. */
  async function write(
    tenant: TenantStore,
    command: Command,
    action: Action,
    streamId: string,
    hash: string | undefined,
    base: Base<S>,
    events: E[],
    now: string,
  ): Promise<CommandResult<S, E> | typeof RETRY> {
    const { actor } = command;
    // Event ids are chosen here when views read them ($event.id); the store takes them as given.
    const eventIds = viewSources.length === 0 ? [] : events.map(() => randomUUID());
    const { next, writes: viewWrites } =
      viewSources.length === 0
        ? { next: applyNew(definition, base.state, events, { recordedAt: now, actorId: actor.id, fromVersion: base.version }), writes: [] }
        : applyWithViews(
            definition,
            base.state,
            events,
            {
              tenant: tenant.tenant,
              streamType,
              streamId,
              fromVersion: base.version,
              recordedAt: now,
              actorId: actor.id,
              eventIds,
              commandId: command.commandId ?? null,
              correlationId: command.correlationId ?? null,
              causationId: command.causationId ?? null,
              metadata: command.metadata ?? {},
            },
            viewSources,
          );
    if (action.creates && !policy.can(actor, action.permission, next as object, { _id: streamId, _creator: actor.id }))
      throw new ForbiddenError(action.permission);
    const misfit = (definition.readModel && nonUuidColumn(definition.readModel, next)) || nonUuidViewValue(viewWrites);
    if (misfit) {
      if (misfit.value === actor.id) throw new ActorIdNotUuidError(misfit.field, actor.id);
      throw new InvalidEventError(
        `The events of '${command.action}' leave ${JSON.stringify(misfit.value)} in '${misfit.field}', a uuid field; check its handler and evolve code.`,
      );
    }
    const newVersion = base.version + events.length;
    const every = definition.snapshotEvery;
    const snapshotDue = every !== undefined && every > 0 && newVersion - base.snapshotVersion >= every;
    const key = cacheKey(tenant.tenant, streamId);
    // The first event's actor: this command's on a new stream, else the stream's own.
    const creator = base.version === 0 ? actor.id : base.creator;
    const refs = referencesOf(definition.domain, action, command.payload);
    let appended;
    try {
      appended = await tenant.commit({
        streamType,
        streamId,
        expected: action.creates ? "no-stream" : base.version,
        events: events.map((e, i) => ({ type: e.type, schemaVersion: e.version, data: e.data, ...(eventIds[i] !== undefined && { eventId: eventIds[i] }) })),
        recordedAt: now,
        ...(viewWrites.length > 0 && { views: viewWrites }),
        actorId: actor.id,
        ...(command.commandId !== undefined && { commandId: command.commandId }),
        ...(command.correlationId !== undefined && { correlationId: command.correlationId }),
        ...(command.causationId !== undefined && { causationId: command.causationId }),
        ...(command.metadata !== undefined && { metadata: command.metadata }),
        ...(definition.readModel && { readModel: { definition: definition.readModel, columns: rowColumns(definition.readModel, next), creator } }),
        ...(snapshotDue && { snapshot: { specHash: snapshotHash, state: next } }),
        ...(hash !== undefined && { idempotency: { requestHash: hash, action: command.action } }),
        ...(refs.length > 0 && { requiredStreams: refs }),
      });
    } catch (error) {
      // The write did nothing: a checked ref naming no stream is answered here, before the retry.
      if (error instanceof VersionConflictError) await assertReferences(tenant, refs);
      // Another writer got the stream first, or a duplicate of this command id committed first.
      if (error instanceof VersionConflictError || isUniqueViolation(error, "commands_pkey")) {
        cache.delete(key);
        return RETRY;
      }
      // Another stream holds a unique value this write sets: the unique index refused the whole write.
      const unique = await uniqueViolationOf(error, tenant, definition.readModel, streamId, next);
      if (unique === "retry") return RETRY;
      if (unique) throw unique;
      throw error;
    }
    cache.set(key, {
      version: appended.version,
      stateJson: JSON.stringify(next),
      createdAt: appended.createdAt,
      updatedAt: appended.recordedAt,
      creator,
      updater: actor.id,
      snapshotVersion: snapshotDue ? appended.version : base.snapshotVersion,
    });
    const records: EventRecord<E>[] = appended.events.map((a, i) => ({
      tenant: tenant.tenant,
      streamType,
      streamId,
      version: a.version,
      eventId: a.eventId,
      recordedAt: appended.recordedAt,
      actorId: actor.id,
      commandId: command.commandId ?? null,
      correlationId: command.correlationId ?? null,
      causationId: command.causationId ?? null,
      metadata: command.metadata ?? {},
      transactionId: a.transactionId,
      position: a.position,
      event: events[i] as E,
      storedSchemaVersion: (events[i] as E).version,
    }));
    return {
      streamId,
      version: appended.version,
      events: records,
      state: next,
      item: itemOf(next, streamId, { version: appended.version, created: appended.createdAt, updated: appended.recordedAt, creator, updater: actor.id }),
      duplicate: false,
    };
  }

  /**
   * One round trip: decide on the cached state (or, for a creating action, the initial
   * state) and write with its version. Only a success that appends is answered from here;
   * anything else (a rejection, a conflict, a known command id) is decided again on
   * freshly loaded state, so a stale cache can cost time but never change an answer.
   */
  async function fast(tenant: TenantStore, command: Command, action: Action, streamId: string, hash: string | undefined) {
    let base: Base<S>;
    if (action.creates) {
      base = { state: definition.initialState(), version: 0, createdAt: null, updatedAt: null, creator: null, updater: null, snapshotVersion: 0 };
    } else {
      const cached = cache.get(cacheKey(tenant.tenant, streamId));
      if (cached === undefined) return undefined;
      base = { ...cached, state: JSON.parse(cached.stateJson) as S };
      if (!policy.can(command.actor, action.permission, base.state as object, { _id: streamId, _creator: base.creator })) return undefined;
    }
    if (command.expectedVersion !== undefined && command.expectedVersion !== base.version) return undefined;
    const now = clock(base.updatedAt);
    let events: E[];
    try {
      events = await decide(tenant, command, action, streamId, base, now);
    } catch {
      return undefined; // a rejection is only ever answered from freshly loaded state
    }
    if (events.length === 0) return undefined;
    try {
      const result = await write(tenant, command, action, streamId, hash, base, events, now);
      return result === RETRY ? undefined : result;
    } catch (error) {
      // Decided on a cached state: only fresh state may answer with a refusal.
      if (error instanceof ForbiddenError || error instanceof UniqueViolationError) return undefined;
      throw error;
    }
  }

  /** Two round trips: load (with the command id's recorded outcome), then decide and write. */
  async function fresh(
    tenant: TenantStore,
    loaded: LoadedStream,
    command: Command,
    action: Action,
    streamId: string,
    hash: string | undefined,
  ): Promise<CommandResult<S, E> | typeof RETRY> {
    const { actor } = command;
    if (action.creates ? loaded.version > 0 : loaded.version === 0) {
      throw action.creates ? new StreamExistsError(streamId) : new NotFoundError(streamId);
    }
    const base: Base<S> = {
      state: stateOf(definition, loaded.snapshot, loaded.events),
      version: loaded.version,
      createdAt: loaded.createdAt,
      updatedAt: loaded.updatedAt,
      creator: loaded.creator,
      updater: loaded.updater,
      snapshotVersion: loaded.snapshot?.version ?? 0,
    };
    if (base.createdAt !== null && base.updatedAt !== null) {
      cache.set(cacheKey(tenant.tenant, streamId), {
        version: base.version,
        stateJson: JSON.stringify(base.state),
        createdAt: base.createdAt,
        updatedAt: base.updatedAt,
        creator: base.creator,
        updater: base.updater,
        snapshotVersion: base.snapshotVersion,
      });
    }
    if (!action.creates && !policy.can(actor, action.permission, base.state as object, { _id: streamId, _creator: base.creator }))
      throw new ForbiddenError(action.permission);
    if (command.expectedVersion !== undefined && command.expectedVersion !== loaded.version) {
      throw new VersionConflictError(streamId, command.expectedVersion, loaded.version, true);
    }
    const outcome =
      command.commandId !== undefined && hash !== undefined
        ? { streamType, streamId, action: command.action, version: loaded.version, commandId: command.commandId, requestHash: hash }
        : undefined;
    const now = clock(base.updatedAt);
    let events: E[];
    try {
      events = await decide(tenant, command, action, streamId, base, now);
    } catch (error) {
      if (isRecordableRejection(error) && outcome) {
        const recorded = await tenant.recordOutcome({ ...outcome, rejection: encodeRejection(error) });
        if (!recorded) return RETRY; // the same command id finished meanwhile: answer with its outcome
      }
      throw error;
    }
    if (events.length === 0) {
      if (action.creates) throw new InvalidEventError(`Action ${command.action} creates a stream but returned no event.`);
      if (outcome && !(await tenant.recordOutcome({ ...outcome, rejection: null }))) return RETRY;
      return { streamId, version: loaded.version, events: [], state: base.state, item: itemFrom(base.state, streamId, loaded), duplicate: false };
    }
    return write(tenant, command, action, streamId, hash, base, events, now);
  }

  /** The fast path, then load-decide-write until it sticks (bounded, with jittered backoff). */
  async function run(tenant: TenantStore, command: Command, action: Action, streamId: string, hash: string | undefined): Promise<CommandResult<S, E>> {
    const quick = await fast(tenant, command, action, streamId, hash);
    if (quick !== undefined) return quick;
    for (let n = 1; ; n++) {
      const loaded = await tenant.load(streamType, streamId, {
        specHash: snapshotHash,
        ...(command.commandId !== undefined && { commandId: command.commandId }),
      });
      if (loaded.command && hash !== undefined && command.commandId !== undefined) {
        return previousOutcome(tenant, loaded.command, hash, command.commandId);
      }
      const result = await fresh(tenant, loaded, command, action, streamId, hash);
      if (result !== RETRY) return result;
      if (n >= maxAttempts) throw new VersionConflictError(streamId, loaded.version, undefined, false);
      // Jittered backoff spreads writers (in other processes) racing for one hot stream.
      await sleep(Math.random() * Math.min(50, 2 ** n));
    }
  }

  return {
    definition,
    streamType,

    async execute(input) {
      const tenant = scope(input.actor);
      const action = actionOf(definition, input.action);
      if (!policy.mayAllow(input.actor, action.permission)) throw new ForbiddenError(action.permission);
      // From here on the payload is in its canonical spelling: the handler, the request hash and the events see that.
      const command = { ...input, payload: checkPayload(input.action, action, input.payload) };
      if (command.expectedVersion !== undefined && (!Number.isInteger(command.expectedVersion) || command.expectedVersion < 0)) {
        throw new InvalidArgumentError("The expected version must be a non-negative integer.");
      }
      const namedId = command.streamId === undefined ? undefined : streamIdOf(command.streamId);
      if (namedId === undefined && !action.creates) throw new InvalidArgumentError(`Action ${command.action} needs a stream id.`);
      const keyId = action.creates ? naturalId(command.payload) : undefined;
      if (keyId !== undefined && namedId !== undefined && namedId !== keyId) {
        const field = definition.naturalKey?.field ?? "";
        throw new InvalidArgumentError(`Aggregate ${definition.aggregate} takes its ids from '${field}': this ${field} gives ${keyId}, not ${namedId}.`);
      }
      const streamId = namedId ?? keyId ?? randomUUID();
      const hash =
        command.commandId === undefined
          ? undefined
          : requestHash({ streamType, action: command.action, streamId: namedId ?? null, actorId: command.actor.id, payload: command.payload });

      // A new stream with a generated id cannot collide with anyone: no need to queue.
      if (namedId === undefined && keyId === undefined) return run(tenant, command, action, streamId, hash);
      return queue.run(cacheKey(tenant.tenant, streamId), () => run(tenant, command, action, streamId, hash));
    },

    list: aggregateLister<S>(store, definition, policy, options.fields),

    async get(actor, streamId) {
      const { id, loaded, state } = await authorizedCurrent(actor, streamId, readPermission);
      return itemFrom(state, id, loaded);
    },

    async getBy(actor, field, value) {
      const tenant = scope(actor);
      if (!policy.mayAllow(actor, readPermission)) throw new ForbiddenError(readPermission);
      const id = await idBy(tenant, field, value);
      if (id === undefined) throw new NotFoundError(`${field}=${value}`);
      const { loaded, state } = await authorizedCurrent(actor, id, readPermission);
      return itemFrom(state, id, loaded);
    },

    async getChanged(actor, streamId, version) {
      if (!policy.mayAllow(actor, readPermission)) return undefined;
      const tenant = scope(actor);
      const id = streamIdOf(streamId);
      const current = await tenant.load(streamType, id, { specHash: snapshotHash });
      if (current.version < version) return undefined;
      const now = stateOf(definition, current.snapshot, current.events);
      if (!policy.can(actor, readPermission, now as object, { _id: id, _creator: current.creator })) return undefined;
      if (current.version === version) return itemFrom(now, id, current);
      // A later change is already committed: this one's own state, readable then too.
      const loaded = await tenant.load(streamType, id, { specHash: snapshotHash, toVersion: version });
      const then = stateOf(definition, loaded.snapshot, loaded.events);
      return policy.can(actor, readPermission, then as object, { _id: id, _creator: loaded.creator }) ? itemFrom(then, id, loaded) : undefined;
    },

    async getAt(actor, streamId, target) {
      const { tenant, id, loaded: current } = await authorizedCurrent(actor, streamId, historyPermission);
      if ("version" in target && target.version > current.version) throw new NotFoundError(id);
      const at = await tenant.load(streamType, id, {
        specHash: snapshotHash,
        ...("version" in target ? { toVersion: target.version } : { at: target.at }),
      });
      if (at.version === 0) throw new NotFoundError(id);
      return itemFrom(stateOf(definition, at.snapshot, at.events), id, at);
    },

    async history(actor, streamId, options = {}) {
      const { tenant, id, loaded } = await authorizedCurrent(actor, streamId, historyPermission);
      const { afterVersion = 0, limit } = options;
      if (!Number.isInteger(afterVersion) || afterVersion < 0) throw new InvalidArgumentError("afterVersion must be a non-negative integer.");
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new InvalidArgumentError("limit must be a positive integer.");
      // Up to the version authorized and counted, so a page never runs past its total.
      const remaining = Math.max(0, loaded.version - afterVersion);
      const count = limit === undefined ? remaining : Math.min(limit, remaining);
      const stored = count === 0 ? [] : await tenant.readStream(streamType, id, { afterVersion, limit: count });
      return { events: stored.map((e) => toEventRecord(definition, e)), total: loaded.version };
    },
  };
}
