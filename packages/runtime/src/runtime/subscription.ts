import { ALL_TENANTS } from "./actor.js";
import { streamTypeOf, type AggregateDefinition, type AnyAggregateDefinition, type EventShape } from "./definition.js";
import { toEventRecord } from "./command/fold.js";
import type { Checkpoint, EventRecord, EventStore, StoredEvent } from "./store/types.js";
import { WakeablePause } from "./wake.js";

/**
 * Catch-up subscriptions for event handlers (notifications, integrations): events in
 * commit-safe order, at least once (a handler may see an event again after a crash, never
 * miss one), with the checkpoint stored in fluvius.subscriptions after each batch.
 */
export interface SubscriptionOptions {
  /** Durable identity: the checkpoint is stored under it. */
  readonly name: string;
  readonly handle: (event: StoredEvent) => void | Promise<void>;
  /** Only this tenant's events; all tenants (each event carries its tenant) when absent. */
  readonly tenant?: string;
  readonly streamTypes?: readonly string[];
  /** Events per read (default 100). */
  readonly batchSize?: number;
}

export interface RunningSubscriptionOptions extends SubscriptionOptions {
  /** Wait between polls when caught up (default 200 ms); the fallback when no commit wakes it. */
  readonly pollIntervalMs?: number;
  /** Read as soon as events of its stream types are committed, not only at the next poll (default true; store.onCommit). */
  readonly wakeOnCommit?: boolean;
  /** Wait before retrying after a handler or database error (default 1000 ms). */
  readonly retryDelayMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Delivers everything visible now, then returns how many events it delivered. When the
 * handler throws, the events before it stay acknowledged and the error is rethrown.
 */
export async function catchUp(store: EventStore, options: SubscriptionOptions): Promise<number> {
  const tenant = options.tenant ?? ALL_TENANTS;
  const limit = options.batchSize ?? 100;
  let checkpoint: Checkpoint = await store.loadCheckpoint(options.name, tenant);
  let delivered = 0;
  for (;;) {
    const batch = await store.readCommitted({
      after: checkpoint,
      limit,
      ...(options.tenant !== undefined && { tenant: options.tenant }),
      ...(options.streamTypes !== undefined && { streamTypes: options.streamTypes }),
    });
    const start = checkpoint;
    try {
      for (const event of batch) {
        await options.handle(event);
        checkpoint = { transactionId: event.transactionId, position: event.position };
        delivered++;
      }
    } finally {
      if (checkpoint !== start) await store.saveCheckpoint(options.name, checkpoint, tenant);
    }
    if (batch.length < limit) return delivered;
  }
}

export interface Subscription {
  /** Stops after the event being handled; resolves when the loop has ended. */
  stop(): Promise<void>;
}

export function startSubscription(store: EventStore, options: RunningSubscriptionOptions): Subscription {
  let stopped = false;
  const idle = new WakeablePause();
  const wanted = options.streamTypes === undefined ? undefined : new Set(options.streamTypes);
  const unsubscribe =
    options.wakeOnCommit === false
      ? () => undefined
      : store.onCommit((streamType) => {
          if (streamType === undefined || wanted === undefined || wanted.has(streamType)) idle.wake();
        });

  const loop = (async () => {
    while (!stopped) {
      try {
        await catchUp(store, options);
        if (!stopped) await idle.idle(options.pollIntervalMs ?? 200);
      } catch (error) {
        options.onError?.(error);
        if (!stopped) await idle.pause(options.retryDelayMs ?? 1000);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      idle.wake();
      await loop;
    },
  };
}

/**
 * Reads stored events as the given aggregates' current event versions, for handlers that
 * want typed, upcast events; undefined for a stream type none of them has.
 */
export function createUpcaster(
  definitions: readonly Pick<AnyAggregateDefinition, "domain" | "aggregate" | "events">[],
): <E extends EventShape = EventShape>(event: StoredEvent) => EventRecord<E> | undefined {
  const byType = new Map(definitions.map((d) => [streamTypeOf(d), d]));
  return <E extends EventShape>(event: StoredEvent) => {
    const definition = byType.get(event.streamType);
    if (!definition) return undefined;
    // The caller names E for the stream types it handles; the definition is that aggregate's.
    return toEventRecord(definition as unknown as Pick<AggregateDefinition<unknown, E, object>, "events">, event);
  };
}
