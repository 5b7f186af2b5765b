import { setTimeout as sleep } from "node:timers/promises";
import type { EventStore, Fence } from "./store/types.js";

/** Committed events still held back by an older transaction when settle's time ran out. */
export class SettleTimeoutError extends Error {
  override readonly name = "SettleTimeoutError";
}

export interface SettleOptions {
  /** How long to wait for the older transactions to end (default 30 s). */
  readonly timeoutMs?: number;
}

/** Whether the fence still holds back a committed event (catch-up cannot read it yet). */
export function holdsBack(fence: Fence): fence is Fence & { readonly newestCommitted: bigint } {
  return fence.newestCommitted !== undefined && fence.newestCommitted >= fence.below;
}

/**
 * Waits until every event committed before the call is readable by catch-up. On PostgreSQL a
 * transaction still running anywhere on the server (another database's too) holds later
 * commits behind the fence until it ends (docs/runtime.md §7, "The price of the fence"), so
 * a catch-up right after a commit may deliver nothing yet. Returns whether it had to wait.
 * drainReactions settles after an empty round that began fenced; tests settle before a single catchUp.
 */
export async function settle(store: EventStore, options: SettleOptions = {}): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fence = await store.fence();
  if (!holdsBack(fence)) return false;
  const { newestCommitted } = fence;
  const deadline = Date.now() + timeoutMs;
  // Short transactions end within milliseconds: poll fast at first, then back off.
  for (let pauseMs = 2; ; pauseMs = Math.min(pauseMs * 2, 100)) {
    if (Date.now() > deadline) {
      throw new SettleTimeoutError(
        `events committed up to transaction ${newestCommitted} are still held back after ${timeoutMs} ms by an older transaction on the PostgreSQL server; ` +
          "look for a session 'idle in transaction' in pg_stat_activity",
      );
    }
    await sleep(pauseMs);
    if ((await store.fence()).below > newestCommitted) return true;
  }
}
