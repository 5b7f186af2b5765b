import type { AggregateDefinition, EventMeta, EventShape } from "../definition.js";
import type { EventRecord, LoadedEvent, StoredEvent } from "../store/types.js";
import { upcast } from "../upcast.js";

type Evolving<S, E extends EventShape> = Pick<AggregateDefinition<S, E, object>, "events" | "evolve">;

/** Upcasts a loaded event and applies it. */
export function applyLoaded<S, E extends EventShape>(definition: Evolving<S, E>, state: S, event: LoadedEvent): S {
  const current = upcast<E>(definition, event.type, event.schemaVersion, event.data);
  return definition.evolve(state, current, { recordedAt: event.recordedAt, actorId: event.actorId, version: event.version });
}

/** The state from a snapshot (or the initial state) and the events after it. */
export function stateOf<S, E extends EventShape>(
  definition: Pick<AggregateDefinition<S, E, object>, "events" | "evolve" | "initialState">,
  snapshot: { readonly state: unknown } | null,
  events: readonly LoadedEvent[],
): S {
  // Snapshots are stored by evolve code with the same spec hash, so they are this code's S.
  let state = snapshot ? (snapshot.state as S) : definition.initialState();
  for (const event of events) state = applyLoaded(definition, state, event);
  return state;
}

/** Applies events a handler just decided (already at their current versions). */
export function applyNew<S, E extends EventShape>(
  definition: Pick<AggregateDefinition<S, E, object>, "evolve">,
  state: S,
  events: readonly E[],
  meta: { readonly recordedAt: string; readonly actorId: string | null; readonly fromVersion: number },
): S {
  let next = state;
  events.forEach((event, i) => {
    const eventMeta: EventMeta = { recordedAt: meta.recordedAt, actorId: meta.actorId, version: meta.fromVersion + i + 1 };
    next = definition.evolve(next, event, eventMeta);
  });
  return next;
}

export function toEventRecord<E extends EventShape>(definition: Pick<AggregateDefinition<unknown, E, object>, "events">, stored: StoredEvent): EventRecord<E> {
  const { type, schemaVersion, data, ...envelope } = stored;
  return { ...envelope, event: upcast<E>(definition, type, schemaVersion, data), storedSchemaVersion: schemaVersion };
}
