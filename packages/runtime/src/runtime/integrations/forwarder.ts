import type { DomainDefinition } from "../domain.js";
import { streamTypeOf } from "../definition.js";
import type { EventRecord, EventStore, StoredEvent } from "../store/types.js";
import { catchUp } from "../subscription.js";

/**
 * The forwarder: every `public: true` event goes to the broker, in commit order, at least
 * once. One call is one catch-up pass; the reactor runner calls it in a loop under a lease.
 * A crash between a publish and the checkpoint publishes the event again on the next pass;
 * JetStream drops the copy, as the message id is the event id (within the stream's duplicate
 * window, 2 minutes by default, far longer than one batch takes).
 */

/** What the forwarder needs of a publisher; a NatsPublisher is one. */
export interface EventPublisher {
  publishEvent(event: EventRecord | StoredEvent): Promise<unknown>;
}

/** Which events leave the service. */
export interface PublicEvents {
  /** The stream types that have a public event: the forwarder reads only these (an index leads with stream_type). */
  readonly streamTypes: readonly string[];
  /** (streamType, eventType) → whether the event leaves the service. */
  isPublic(streamType: string, eventType: string): boolean;
}

export interface ForwardOptions {
  /** The integration's name: the checkpoint is `forwarder:<name>`. */
  readonly name: string;
  readonly publisher: EventPublisher;
  readonly publicEvents: PublicEvents;
  /** Events per read (default 100); the checkpoint is saved after each batch. */
  readonly batchSize?: number;
  /**
   * Reads a stored event at its current schema version (createUpcaster(definitions)), so the
   * broker gets what a webhook gets; without it (or when it returns undefined) events go out as stored.
   */
  readonly upcast?: (event: StoredEvent) => EventRecord | undefined;
}

/** The subscription (checkpoint) name of a forwarder. */
export function forwarderSubscription(name: string): string {
  return `forwarder:${name}`;
}

/**
 * Publishes every public event after the checkpoint, all tenants, in commit order; returns how
 * many it published. When a publish throws (DeliveryFailedError), the events before it stay
 * acknowledged and the error is rethrown: the next pass starts with that event.
 */
export async function forwardPublicEvents(store: EventStore, options: ForwardOptions): Promise<number> {
  const { publisher, publicEvents, upcast } = options;
  if (publicEvents.streamTypes.length === 0) return 0;
  let published = 0;
  await catchUp(store, {
    name: forwarderSubscription(options.name),
    streamTypes: publicEvents.streamTypes,
    ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
    handle: async (event) => {
      if (!publicEvents.isPublic(event.streamType, event.type)) return;
      await publisher.publishEvent(upcast?.(event) ?? event);
      published++;
    },
  });
  return published;
}

/** The domains' `public: true` events (EventDefinition.public). */
export function publicEventsOf(domains: readonly DomainDefinition[]): PublicEvents {
  const keys = new Set<string>();
  const streamTypes = new Set<string>();
  for (const domain of domains) {
    for (const { definition } of domain.aggregates) {
      const streamType = streamTypeOf(definition);
      for (const [type, event] of Object.entries(definition.events as Readonly<Record<string, { readonly public?: boolean }>>)) {
        if (event.public !== true) continue;
        keys.add(`${streamType}\u0000${type}`);
        streamTypes.add(streamType);
      }
    }
  }
  return { streamTypes: [...streamTypes].sort(), isPublic: (streamType, eventType) => keys.has(`${streamType}\u0000${eventType}`) };
}
