import type { Database } from "../db/database.js";

/**
 * "Events of these stream types were committed": what wakes catch-up workers instead of
 * waiting for their next poll. Commits through any store on the same Database object are
 * seen in this process; on PostgreSQL, commits of other processes arrive by LISTEN on
 * COMMIT_CHANNEL (the commit statement sends pg_notify with its stream type). A signal is a
 * hint, never the source of truth: workers still read from their checkpoint and still poll.
 */
export const COMMIT_CHANNEL = "fluvius_commits";

/** The stream type committed, or undefined: anything may have been committed (a listener reconnected). */
export type CommitListener = (streamType: string | undefined) => void;

export interface CommitSignal {
  /** Starts listening to other processes with the first subscriber, stops after the last. */
  subscribe(listener: CommitListener): () => void;
  emit(streamType: string | undefined): void;
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

function createSignal(database: Database): CommitSignal {
  const listeners = new Set<CommitListener>();
  let remote: { stop(): Promise<void> } | undefined;
  const emit = (streamType: string | undefined) => {
    for (const listener of [...listeners]) listener(streamType);
  };
  return {
    emit,
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1 && database.listen) remote = database.listen(COMMIT_CHANNEL, emit);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        void remote?.stop();
        remote = undefined;
      };
    },
  };
}
