import type { EventShape } from "../definition.js";
import type { EventRecord } from "../store/types.js";

/**
 * What generated code hands the runtime for one reaction (docs/reactions.md): when an event
 * of `on` happens (and `when` holds), issue commands, now or at a timer's time, or deliver
 * the event outside. Plain functions and data; the runtime knows nothing of YAML.
 */

/** A command a reaction issues. The runtime derives its command id from (reaction, event, index). */
export interface ReactionCommand {
  /** The target's domain; the reaction's own when absent. */
  readonly domain?: string;
  readonly aggregate: string;
  readonly action: string;
  /**
   * The target stream. Absent: a stream id derived from (reaction, event, index), for a
   * creating action, so a redelivered event never creates a second stream.
   */
  readonly streamId?: string;
  /** Instead of `streamId`: the target's natural key (`id: { from }`); the runtime derives the stream id from it. */
  readonly key?: string | number;
  readonly payload: unknown;
}

/** Read-only access to current state, for hand-written reactors. A read at decision time, not a lock. */
export interface ReactionContext {
  readonly tenant: string;
  /** The id the runtime derives for the `index`-th command of this event (what a creating command without streamId gets). */
  derivedId(index: number): string;
  /** An aggregate's current item (state and _id, _version…) in the event's tenant (domain: the reaction's own when absent); undefined when there is no such stream. */
  get(aggregate: string, streamId: string, domain?: string): Promise<unknown>;
}

/** A hand-written reactor: typed event in, commands out. Pure apart from reads through the context (it may run more than once). */
export type Reactor<E extends EventShape = EventShape> = (
  event: EventRecord<E>,
  context: ReactionContext,
) => readonly ReactionCommand[] | Promise<readonly ReactionCommand[]>;

/** What a delivery to the outside gets: the event and a key that is the same on every redelivery. */
export interface DeliveryContext {
  /** Derived from (reaction, event): receivers de-duplicate on it. */
  readonly deliveryId: string;
  /** `<domain>.<reaction>` */
  readonly reaction: string;
}

/** An effect outside the event store (webhook, broker, e-mail): may run more than once, so receivers de-duplicate on deliveryId. */
export type Deliver = (event: EventRecord, context: DeliveryContext) => Promise<void>;

export type ReactionEffect<E extends EventShape = EventShape> =
  | { readonly kind: "commands"; readonly commands: Reactor<E> }
  /** An integration of fluvius.yaml, resolved to a Deliver when the workers start. */
  | { readonly kind: "notify"; readonly integration: string }
  /** A hand-written effect function. */
  | { readonly kind: "deliver"; readonly deliver: Deliver };

export type ReactionDelay<E extends EventShape = EventShape> =
  | { readonly kind: "after"; readonly milliseconds: number }
  /** The time (ISO 8601) to act at; undefined: the event carries none, the reaction does nothing. */
  | { readonly kind: "at"; readonly time: (event: EventRecord<E>) => string | undefined };

export interface ReactionDefinition<E extends EventShape = EventShape> {
  readonly domain: string;
  /** Unique in its domain; `<domain>.<name>` names its checkpoint, lease, parked deliveries and actor. */
  readonly name: string;
  /** The event that triggers it: stream type `<domain>.<aggregate>` and event type. */
  readonly on: { readonly streamType: string; readonly eventType: string };
  /** The spec's `when` on the event: the reaction ignores events for which it is false. */
  readonly when?: (event: EventRecord<E>) => boolean;
  /** A durable timer: act later instead of at once. */
  readonly delay?: ReactionDelay<E>;
  /** Event types of the same stream that cancel a waiting timer when recorded after the trigger. */
  readonly cancelledBy?: readonly string[];
  readonly effect: ReactionEffect<E>;
}

/**
 * Any reaction's definition, for the runner. `any` is the narrow boundary: each reaction's
 * event type differs and the runner only hands a reaction the events its `on` names.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyReactionDefinition = ReactionDefinition<any>;

/** Identity, for inference. */
export function defineReaction<E extends EventShape>(definition: ReactionDefinition<E>): ReactionDefinition<E> {
  return definition;
}

/** `<domain>.<name>`: the reaction's identity across the project. */
export function reactionId(definition: { readonly domain: string; readonly name: string }): string {
  return `${definition.domain}.${definition.name}`;
}

/** The role (and actor id) a reaction's commands run under; policy rules `{ reaction: … }` grant it. */
export function reactionRole(definition: { readonly domain: string; readonly name: string }): string {
  return `reaction:${reactionId(definition)}`;
}
