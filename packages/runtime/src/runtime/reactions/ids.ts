import { uuidV5 } from "../uuid-v5.js";

/**
 * Ids a reaction derives from what it reacts to, so that handling an event again (after a
 * crash, on another replica, from `reactions retry`) names the same commands, streams and
 * deliveries, and the command pipeline's idempotency turns the repeat into a no-op.
 */

/** The command id of the `index`-th command `reaction` issues for an event. */
export function reactionCommandId(reaction: string, eventId: string, index: number): string {
  return uuidV5(`command\n${reaction}\n${eventId}\n${index}`);
}

/** The stream a creating command without a target gets: the same on every redelivery. */
export function reactionStreamId(reaction: string, eventId: string, index: number): string {
  return uuidV5(`stream\n${reaction}\n${eventId}\n${index}`);
}

/** One reaction's handling of one event: the parked row's id and a delivery's idempotency key. */
export function reactionDeliveryId(reaction: string, eventId: string): string {
  return uuidV5(`delivery\n${reaction}\n${eventId}`);
}
