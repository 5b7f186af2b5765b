import type { Actor } from "../actor.js";
import type { AggregateDefinition, EventShape } from "../definition.js";
import type { ViewDefinition } from "../views/definition.js";
import type { LookupSource } from "../lookups/types.js";
import type { Policy } from "../policy.js";
import type { ListedItem, StateField } from "../read/aggregate-list.js";
import type { ListPage, ListRequest } from "../read/request.js";
import type { Item } from "../read-model.js";
import type { EventRecord } from "../store/types.js";

export interface CommandInput<A extends object, K extends keyof A> {
  readonly action: K;
  readonly payload: A[K];
  readonly actor: Actor;
  /** Required, except for a creating action: there absent means a new random id. */
  readonly streamId?: string;
  /** The caller's If-Match: a mismatch is a 412 VersionConflictError and nothing is retried. */
  readonly expectedVersion?: number;
  /** Idempotency key: a retry with the same id returns the first outcome and appends nothing. */
  readonly commandId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface CommandResult<S, E extends EventShape> {
  readonly streamId: string;
  readonly version: number;
  /** The events this command appended (on a duplicate: those the first run appended). */
  readonly events: readonly EventRecord<E>[];
  readonly state: S;
  readonly item: Item<S>;
  /** True when this answers a retry of a command already done. */
  readonly duplicate: boolean;
}

export type TimeTravelTarget = { readonly version: number } | { readonly at: string };

export interface AggregateService<S, E extends EventShape, A extends object> {
  readonly definition: AggregateDefinition<S, E, A>;
  readonly streamType: string;
  /** Load, authorize, check `when`, decide, then append + read model + outcome in one atomic write. */
  execute<K extends keyof A & string>(command: CommandInput<A, K>): Promise<CommandResult<S, E>>;
  /**
   * A page of the read model's items (`<aggregate>:read`), within the actor's tenant and only
   * those the policy's `where` lets the actor read: filtered, searched, sorted and paged as
   * the request says (docs/runtime.md, "Reading lists"), with the total count.
   */
  list(actor: Actor, request?: ListRequest): Promise<ListPage<ListedItem<S>>>;
  /** The current item (`<aggregate>:read`). */
  get(actor: Actor, streamId: string): Promise<Item<S>>;
  /** The current item whose natural key or single unique field has this value (`<aggregate>:read`; 404 when none). */
  getBy(actor: Actor, field: string, value: string): Promise<Item<S>>;
  /**
   * The item at `version`, for a live update of that change: only when the actor may read it
   * both now (its GET would answer, `<aggregate>:read`) and at that version; undefined otherwise.
   */
  getChanged(actor: Actor, streamId: string, version: number): Promise<Item<S> | undefined>;
  /** The item as it was at a version or a time (`<aggregate>:history`). */
  getAt(actor: Actor, streamId: string, target: TimeTravelTarget): Promise<Item<S>>;
  /**
   * The audit trail: events with who, when and which command (`<aggregate>:history`), after
   * `afterVersion` (default 0), at most `limit` (all without one), with the stream's total.
   */
  history(actor: Actor, streamId: string, options?: { readonly afterVersion?: number; readonly limit?: number }): Promise<HistoryPage<E>>;
}

/** A page of a stream's events; `total` is the stream's event count (its version) when read. */
export interface HistoryPage<E extends EventShape> {
  readonly events: readonly EventRecord<E>[];
  readonly total: number;
}

export interface ServiceOptions {
  readonly policy: Policy;
  /** The project's views: those fed by this aggregate's events change in each command's write (docs/views.md). */
  readonly views?: readonly ViewDefinition[];
  /**
   * What handlers' `ctx.get` / `ctx.find` read: `createLookups(store, domains)` (docs/runtime.md,
   * "Lookups"). Without it a lookup fails with lookup-setup.
   */
  readonly lookups?: LookupSource;
  /**
   * The state fields as the domain metadata has them (AggregateMeta.fields): what `list`
   * filters, sorts and returns, in that order. Without them, the read model's columns (an
   * enum then compares as text: its values are not known).
   */
  readonly fields?: readonly StateField[];
  /** Attempts when the stream moves between load and write and the caller gave no expected version (default 10). */
  readonly maxAttempts?: number;
  /**
   * Streams whose last known state is kept in memory, so a command on them is one round
   * trip (the write, still version-checked) instead of two (default 1000; 0 turns it off).
   */
  readonly cacheSize?: number;
}
