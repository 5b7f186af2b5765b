import type { Checkpoint } from "../store/types.js";

/**
 * A live stream's resume token: the log position (transaction id, position) of the last change
 * the client was sent, the same pair a subscription's checkpoint holds, as `<tx>-<position>`.
 */
export function formatPosition(checkpoint: Checkpoint): string {
  return `${checkpoint.transactionId}-${checkpoint.position}`;
}

/** The checkpoint of a token, or undefined when it is not one. */
export function parsePosition(text: string): Checkpoint | undefined {
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(text);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  const transactionId = BigInt(match[1]);
  const position = BigInt(match[2]);
  // xid8 and bigint are 64-bit: anything larger cannot be a position.
  if (transactionId >= 2n ** 64n || position >= 2n ** 63n) return undefined;
  return { transactionId, position };
}

/** Whether `a` comes after `b` in the commit-safe order. */
export function isAfter(a: Checkpoint, b: Checkpoint): boolean {
  return a.transactionId > b.transactionId || (a.transactionId === b.transactionId && a.position > b.position);
}

export function checkpointOf(event: Checkpoint): Checkpoint {
  return { transactionId: event.transactionId, position: event.position };
}
