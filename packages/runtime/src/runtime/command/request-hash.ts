import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export interface RequestIdentity {
  readonly streamType: string;
  readonly action: string;
  /** The id the caller named; null when a creating action lets the runtime choose it. */
  readonly streamId: string | null;
  readonly actorId: string;
  readonly payload: unknown;
}

/** What makes two commands "the same request" for an idempotency key. */
export function requestHash(identity: RequestIdentity): string {
  return createHash("sha256").update(canonicalJson(identity)).digest("hex");
}
