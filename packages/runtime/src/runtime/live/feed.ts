import type { Checkpoint, EventStore, StoredEvent } from "../store/types.js";
import { WakeablePause } from "../wake.js";
import { checkpointOf } from "./position.js";

/** Called with each batch the feed reads, in the log's order, and the position after it. */
export type FeedListener = (events: readonly StoredEvent[], upTo: Checkpoint) => void;

export interface FeedAttachment {
  /** The listener hears every event after this position, and none before. */
  readonly from: Checkpoint;
  detach(): void;
}

export interface LiveFeed {
  attach(listener: FeedListener): Promise<FeedAttachment>;
  /** Ends the loop; resolves when it has. */
  stop(): Promise<void>;
}

export interface LiveFeedOptions {
  /** Events per read (default 200). */
  readonly batchSize?: number;
  /** Wait between polls when caught up (default 200 ms); commits wake it sooner. */
  readonly pollIntervalMs?: number;
  /** Wait after a failed read (default 1000 ms). */
  readonly retryDelayMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * One tail of the event log per server, shared by every live client: it starts at the newest
 * event behind the commit fence and reads on behind it (readCommitted), so its listeners hear
 * every later event once, in commit-safe order. It is in memory only: a client that needs
 * what came before it attached reads that itself (LiveSession's catch-up).
 */
export function createLiveFeed(store: EventStore, options: LiveFeedOptions = {}): LiveFeed {
  const limit = options.batchSize ?? 200;
  const listeners = new Set<FeedListener>();
  const idle = new WakeablePause();
  let cursor: Checkpoint | undefined;
  let started: Promise<void> | undefined;
  let loop: Promise<void> | undefined;
  let stopped = false;
  let unsubscribe = () => undefined as void;

  const run = async () => {
    while (!stopped) {
      try {
        const batch = await store.readCommitted({ after: cursor as Checkpoint, limit });
        const last = batch[batch.length - 1];
        if (last !== undefined) {
          // The cursor and the delivery move together, so an attach sees either both or neither.
          cursor = checkpointOf(last);
          for (const listener of [...listeners]) listener(batch, cursor);
        }
        if (batch.length < limit && !stopped) await idle.idle(options.pollIntervalMs ?? 200);
      } catch (error) {
        options.onError?.(error);
        if (!stopped) await idle.pause(options.retryDelayMs ?? 1000);
      }
    }
  };

  const start = () => {
    started ??= (async () => {
      cursor = await store.headCheckpoint();
      unsubscribe = store.onCommit(() => idle.wake());
      loop = run();
    })().catch((error: unknown) => {
      // A failed start (the database unreachable) is tried again by the next attach.
      started = undefined;
      throw error;
    });
    return started;
  };

  return {
    async attach(listener) {
      if (stopped) throw new Error("The live feed has stopped.");
      await start();
      listeners.add(listener);
      return { from: cursor as Checkpoint, detach: () => void listeners.delete(listener) };
    },
    async stop() {
      stopped = true;
      listeners.clear();
      unsubscribe();
      idle.wake();
      await started?.catch(() => undefined);
      await loop;
    },
  };
}
