import type { Database } from "../db/database.js";

/**
 * "Events of these stream types were committed": what wakes catch-up workers instead of
 * waiting for their next poll. Commits through any store on the same Database object are
 * seen in this process; on PostgreSQL, other processes' commits arrive by LISTEN on
 * COMMIT_CHANNEL. A signal is a hint, never the source of truth: workers still read from
 * their checkpoint and still poll.
 */
export const COMMIT_CHANNEL = "fluvius_commits";

/** The stream type committed, or undefined: anything may have been committed (a listener reconnected). */
export type CommitListener = (streamType: string | undefined) => void;

export interface CommitSignal {
  /** Starts listening to other processes with the first subscriber, stops after the last. */
  subscribe(listener: CommitListener): () => void;
  /** A commit of this process: tells its listeners, and with `broadcast` other processes too. */
  committed(streamType: string, broadcast: boolean): void;
}

const signals = new WeakMap<Database, CommitSignal>();

/** The one signal of a database, shared by every store and worker on it. */
export function commitSignalOf(database: Database): CommitSignal {
  let signal = signals.get(database);
  if (!signal) {
    signal = createSignal(database);
    signals.set(database, signal);
  }
  return signal;
}

/**
 * pg_notify is sent after the commit, in a statement of its own, and coalesced: while one
 * is on its way, the stream types committed meanwhile wait and go together in the next.
 * Not inside the append's transaction: PostgreSQL serialises the commits of notifying
 * transactions on one lock held through the WAL flush, which cut appends at 16 clients to
 * a fraction; a transaction that only notifies writes no WAL, so it holds the lock briefly.
 */
function createBroadcaster(database: Database): (streamType: string) => void {
  const pending = new Set<string>();
  let sending = false;
  const send = async () => {
    sending = true;
    try {
      while (pending.size > 0) {
        const types = [...pending];
        pending.clear();
        // Lost notifications only cost latency (workers poll), so a failure is not an error.
        await database.query(`SELECT pg_notify('${COMMIT_CHANNEL}', t) FROM unnest($1::text[]) AS t`, [types]).catch(() => undefined);
      }
    } finally {
      sending = false;
    }
  };
  return (streamType) => {
    pending.add(streamType);
    if (!sending) void send();
  };
}

function createSignal(database: Database): CommitSignal {
  const listeners = new Set<CommitListener>();
  const broadcast = createBroadcaster(database);
  let remote: { stop(): Promise<void> } | undefined;
  const tell = (streamType: string | undefined) => {
    for (const listener of [...listeners]) listener(streamType);
  };
  return {
    committed(streamType, alsoOthers) {
      tell(streamType);
      if (alsoOthers) broadcast(streamType);
    },
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1 && database.listen) remote = database.listen(COMMIT_CHANNEL, tell);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        void remote?.stop();
        remote = undefined;
      };
    },
  };
}
