import { createHash } from "node:crypto";

/**
 * Deterministic ids: the same name always gives the same UUID. Reactions derive their
 * commands' and streams' ids with it (reactions/ids.ts), natural keys their streams' ids
 * (natural-key.ts).
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
