import type { Actor } from "../../runtime/actor.js";
import type { LiveSource } from "../../runtime/live/channels.js";
import type { LiveCloseReason } from "../../runtime/live/errors.js";
import { createLiveFeed, type LiveFeed } from "../../runtime/live/feed.js";
import { formatPosition } from "../../runtime/live/position.js";
import { type LiveDelivery, LiveSession } from "../../runtime/live/session.js";
import type { EventStore } from "../../runtime/store/types.js";

export interface LiveOptions {
  /** Bytes a client may have waiting in its socket before it is dropped as too slow (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** Changes waiting to be read for one client before it is dropped as too slow (default 10,000). */
  readonly maxPending?: number;
  /** A keep-alive with the current position this often (default 15 s). */
  readonly heartbeatMs?: number;
  /** Live clients at once; more are refused with 503 (default 10,000). */
  readonly maxClients?: number;
}

/** One protocol's end of a session: how to send, how to close. */
export interface LiveTransport {
  send(delivery: LiveDelivery): boolean;
  /** The server ends the stream; the client resumes from `position`. */
  end(reason: LiveCloseReason, position: string | undefined): void;
}

export interface LiveHub {
  readonly options: Required<LiveOptions>;
  readonly sources: ReadonlyMap<string, LiveSource>;
  /** A session not yet started; undefined when the server has as many clients as it takes. */
  open(actor: Actor, transport: LiveTransport): LiveSession | undefined;
  release(session: LiveSession): void;
  /** Ends every stream ("shutdown") and stops the feed. */
  shutdown(): Promise<void>;
}

/** The server's live clients over one feed, so a shutdown can end them all. */
export function createLiveHub(store: EventStore, sources: ReadonlyMap<string, LiveSource>, options: LiveOptions = {}): LiveHub {
  const settings: Required<LiveOptions> = {
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    maxPending: options.maxPending ?? 10_000,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxClients: options.maxClients ?? 10_000,
  };
  let feed: LiveFeed | undefined;
  const open = new Map<LiveSession, LiveTransport>();
  return {
    options: settings,
    sources,
    open(actor, transport) {
      if (open.size >= settings.maxClients) return undefined;
      feed ??= createLiveFeed(store);
      const session: LiveSession = new LiveSession({
        store,
        feed,
        sources,
        actor,
        maxPending: settings.maxPending,
        send: (delivery) => transport.send(delivery),
        onClose: (reason) => {
          open.delete(session);
          transport.end(reason, positionOf(session));
        },
      });
      open.set(session, transport);
      return session;
    },
    release(session) {
      session.close();
      open.delete(session);
    },
    async shutdown() {
      for (const [session, transport] of [...open]) {
        session.close();
        transport.end("shutdown", positionOf(session));
      }
      open.clear();
      await feed?.stop();
      feed = undefined;
    },
  };
}

export function positionOf(session: LiveSession): string | undefined {
  return session.position === undefined ? undefined : formatPosition(session.position);
}
