import { createHash } from "node:crypto";

/**
 * Ids a reaction derives from what it reacts to, so that handling an event again (after a
 * crash, on another replica, from `reactions retry`) names the same commands, streams and
 * deliveries, and the command pipeline's idempotency turns the repeat into a no-op.
 */

/** The UUID namespace of fluvius' derived ids (RFC 9562 v5, SHA-1). */
const NAMESPACE = Buffer.from("8d1f3c2e6a4b4f0e9c7d5b3a1e2f4c6d", "hex");

export function uuidV5(name: string): string {
  const hash = createHash("sha1").update(NAMESPACE).update(name, "utf8").digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

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
