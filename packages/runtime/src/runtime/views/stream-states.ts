import { applyLoaded } from "../command/fold.js";
import { streamTypeOf, type AnyAggregateDefinition } from "../definition.js";
import type { EventStore, StoredEvent } from "../store/types.js";

/**
 * Source streams' states for an asynchronous projector, which reads events in the log's
 * order: a stream's state is kept after each of its events, so the next one costs one fold.
 * A stream not held (a cold start, a long quiet spell) is folded from its events. Bounded:
 * the least recently used streams are dropped first.
 */
export class StreamStates {
  readonly #states = new Map<string, { version: number; state: unknown }>();
  readonly #byType: ReadonlyMap<string, AnyAggregateDefinition>;

  constructor(
    private readonly store: EventStore,
    definitions: readonly AnyAggregateDefinition[],
    private readonly capacity = 10_000,
  ) {
    this.#byType = new Map(definitions.map((d) => [streamTypeOf(d), d]));
  }

  has(streamType: string): boolean {
    return this.#byType.has(streamType);
  }

  /** The stream's state before and after `event` (before only when asked: it is a copy). */
  async around(event: StoredEvent, wantBefore: boolean): Promise<{ readonly before: unknown; readonly after: unknown }> {
    const definition = this.#byType.get(event.streamType);
    if (!definition) throw new Error(`No aggregate of the project has stream type ${event.streamType}.`);
    const key = `${event.tenant}\u0000${event.streamType}\u0000${event.streamId}`;
    const held = this.#states.get(key);
    let state: unknown;
    if (held !== undefined && held.version === event.version - 1) state = held.state;
    else {
      // Folded from the log: the events before this one (a state held at another version is stale, e.g. after a rebuild).
      const earlier =
        event.version <= 1 ? [] : await this.store.forTenant(event.tenant).readStream(event.streamType, event.streamId, { limit: event.version - 1 });
      state = definition.initialState();
      for (const e of earlier) state = applyLoaded(definition, state, e);
    }
    // evolve may change the state in place.
    const before = wantBefore ? structuredClone(state) : undefined;
    const after = applyLoaded(definition, state, event);
    this.#states.delete(key);
    this.#states.set(key, { version: event.version, state: after });
    if (this.#states.size > this.capacity) {
      const oldest = this.#states.keys().next();
      if (!oldest.done) this.#states.delete(oldest.value);
    }
    return { before, after };
  }

  /** Forgets every state (the checkpoint moved under the projector: a rebuild). */
  clear(): void {
    this.#states.clear();
  }
}
