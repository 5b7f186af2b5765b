import type { Actor } from "./actor.js";
import type { PreconditionFailure } from "./errors.js";
import type { AnyLookupShapes, LookupShapes, Lookups } from "./lookups/types.js";

/**
 * What generated code hands the runtime for one aggregate (docs/runtime.md). Type
 * parameters flow from it into handlers and results: S the state, E the union of its
 * events (current versions), A the map action name → payload type.
 */

/** An event as code sees it: discriminated on `type`, at its current schema `version`. */
export interface EventShape {
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
}

/** Recorded facts about an event, available to `evolve` (`$meta.*` in the spec). */
export interface EventMeta {
  /** ISO 8601 UTC with milliseconds; never earlier than the previous event of the stream. */
  readonly recordedAt: string;
  readonly actorId: string | null;
  /** This event's version in its stream (1 for the first). */
  readonly version: number;
}

export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * fromVersion → the function turning that version's data into the next version's.
 * `never` lets each upcaster keep its precise parameter type.
 */
export type Upcasters = Readonly<Record<number, (data: never) => unknown>>;

export interface EventDefinition<E extends EventShape = EventShape> {
  /** The current schema version; events are written with it. */
  readonly version: E["version"];
  readonly upcasters?: Upcasters;
  /** JSON Schema of the current version's data; when given, produced events are checked against it. */
  readonly schema?: JsonSchema;
  /** Published to the broker by the forwarder (`public: true` in the spec); events are internal by default. */
  readonly public?: boolean;
}

/**
 * What a handler decides on. `get` and `find` read other streams and views of the domain in
 * the command's tenant (L: the domain's names, generated in `_lookups.ts`): a read at decision
 * time, not a lock (docs/runtime.md, "Lookups").
 */
export interface CommandContext<S, P, L extends LookupShapes = AnyLookupShapes> extends Lookups<L> {
  readonly state: S;
  readonly payload: P;
  readonly actor: Actor;
  readonly tenant: string;
  readonly streamId: string;
  /** The stream's version before the command (0 for a `creates` action). */
  readonly version: number;
  /** The time the events will be recorded at (ISO 8601 UTC). */
  readonly now: string;
}

/**
 * The lookups a handler is typed with: its own domain's names (`_lookups.ts`), which differ per
 * domain. `any` is the narrow boundary: the runtime hands each handler its domain's lookups, and
 * the names and keys were checked when the handler compiled.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type DomainLookups = any;

export type PreconditionResult = null | string | PreconditionFailure;

export type HandlerResult<E> = E | readonly E[];

/** A hand-written command handler: decides the events from the state and the payload (may be async). */
export type CommandHandler<S, P, E, L extends LookupShapes = AnyLookupShapes> = (
  context: CommandContext<S, P, L>,
) => HandlerResult<E> | Promise<HandlerResult<E>>;

export interface ActionDefinition<S, P, E extends EventShape> {
  /** Starts a new stream: no prior state, the stream must not exist. */
  readonly creates: boolean;
  /** "<aggregate>:<action>", checked with the policy. */
  readonly permission: string;
  /** JSON Schema (2020-12) of the payload; compiled once, checked before anything is loaded. */
  readonly payloadSchema: JsonSchema;
  /** The spec's `when`: null when the state allows the action, else what failed. */
  when?(state: S): PreconditionResult;
  /** Decides the events. May throw BusinessRuleError; must not have side effects (it can run more than once). */
  handle(ctx: CommandContext<S, P, DomainLookups>): HandlerResult<E> | Promise<HandlerResult<E>>;
  /** Payload refs that must name a stream of the tenant (`checked: true`); else 422 reference-not-found. */
  readonly checkedRefs?: readonly CheckedRef[];
}

export interface CheckedRef {
  /** The payload field (a uuid, or an array of them). */
  readonly field: string;
  /** An aggregate of the same domain. */
  readonly aggregate: string;
}

/** `id: { from }`: a creating command's stream id is derived from this payload field (naturalKeyId). */
export interface NaturalKey {
  readonly field: string;
  /** The payload field's kind: how a value from a URL is spelled like one from a payload. */
  readonly kind?: ColumnKind;
}

/** Column kinds of read-model tables and their SQL types (docs/runtime.md). */
export type ColumnKind =
  | "string"
  | "text"
  | "email"
  | "url"
  | "enum"
  | "decimal"
  | "integer"
  | "number"
  | "boolean"
  | "uuid"
  | "ref"
  | "date"
  | "datetime"
  | "object"
  | "array"
  | "json";

export interface ReadModelColumn {
  /** State field (camelCase). */
  readonly field: string;
  /** SQL column (snake_case of the field). */
  readonly column: string;
  readonly kind: ColumnKind;
  /** The column is NOT NULL (a key part, or a required field with a default): a list sorted by it needs no NULLS LAST, so an index serves both directions. */
  readonly notNull?: true;
}

/** The aggregate's table: `"<schema>"."<table>"` with the system columns `_tenant _id _version _created _updated _creator _updater`. */
export interface ReadModelDefinition {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly ReadModelColumn[];
  /** The table's unique indexes (`unique:` of the spec) by name, with the state fields they cover. */
  readonly unique?: readonly UniqueIndex[];
}

export interface UniqueIndex {
  /** The index name, as PostgreSQL reports it in a unique violation. */
  readonly name: string;
  readonly fields: readonly string[];
}

export interface AggregateDefinition<S, E extends EventShape, A extends object> {
  readonly domain: string;
  readonly aggregate: string;
  /**
   * Hash of the spec's state and events (what the snapshot's shape depends on). Snapshots are
   * read back only under `snapshotKey(definition)`, which adds the source of the functions the
   * fold runs (runtime/snapshot-key.ts).
   */
  readonly specHash: string;
  readonly snapshotEvery?: number;
  initialState(): S;
  /** Pure: returns the next state (may return a new object or the same one updated). */
  evolve(state: S, event: E, meta: EventMeta): S;
  /**
   * The hand-written functions `evolve` calls (events without `apply`): not visible in
   * `evolve`'s own source, so listed here for the snapshot key.
   */
  readonly evolveSteps?: readonly ((state: S, event: never, meta: EventMeta) => S)[];
  readonly events: { readonly [T in E["type"]]: EventDefinition<Extract<E, { type: T }>> };
  readonly actions: { readonly [K in keyof A]: ActionDefinition<S, A[K], E> };
  readonly readModel?: ReadModelDefinition;
  readonly naturalKey?: NaturalKey;
}

/** Identity, for inference: `defineAggregate<AccountState, AccountEvent, AccountPayloads>({ ... })`. */
export function defineAggregate<S, E extends EventShape, A extends object>(definition: AggregateDefinition<S, E, A>): AggregateDefinition<S, E, A> {
  return definition;
}

/**
 * Any aggregate's definition, for code that handles several (replay, subscriptions).
 * `any` is the narrow boundary here: state, event and payload types differ per aggregate
 * and such code only passes values between a definition's own functions.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAggregateDefinition = AggregateDefinition<any, any, any>;

/** "<domain>.<aggregate>": the stream type in the event store. */
export function streamTypeOf(definition: { readonly domain: string; readonly aggregate: string }): string {
  return `${definition.domain}.${definition.aggregate}`;
}
