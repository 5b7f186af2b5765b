import type { ActionDefinition, EventShape } from "../definition.js";
import { ReferenceNotFoundError } from "../errors.js";
import type { StreamRef, TenantStore } from "../store/types.js";

/** A stream a checked ref of the payload names, with the field that names it ("lines.2" in an array). */
export interface CheckedStream extends StreamRef {
  readonly field: string;
  readonly aggregate: string;
}

/** The streams the payload's `checked` refs name; an absent optional ref names none. */
export function referencesOf<S, E extends EventShape>(domain: string, action: ActionDefinition<S, unknown, E>, payload: unknown): CheckedStream[] {
  const refs = action.checkedRefs ?? [];
  if (refs.length === 0) return [];
  const fields = (payload ?? {}) as Readonly<Record<string, unknown>>;
  const wanted: CheckedStream[] = [];
  for (const ref of refs) {
    const value = fields[ref.field];
    const streamType = `${domain}.${ref.aggregate}`;
    // The payload schema made these uuids (or arrays of them).
    if (typeof value === "string") wanted.push({ field: ref.field, aggregate: ref.aggregate, streamType, streamId: value });
    else if (Array.isArray(value)) {
      value.forEach((id, i) => {
        if (typeof id === "string") wanted.push({ field: `${ref.field}.${i}`, aggregate: ref.aggregate, streamType, streamId: id });
      });
    }
  }
  return wanted;
}

/**
 * Refuses a command whose checked refs name no stream in the tenant (422, the first missing
 * one). The command's write requires the same streams (CommitRequest.requiredStreams), so
 * this runs only when a write did nothing, to tell a missing ref from a lost race. A read is
 * enough because streams are never deleted: a stream seen to exist keeps existing.
 */
export async function assertReferences(tenant: TenantStore, wanted: readonly CheckedStream[]): Promise<void> {
  if (wanted.length === 0) return;
  const found = new Set((await tenant.existingStreams(wanted)).map((r) => `${r.streamType}\n${r.streamId}`));
  const missing = wanted.find((w) => !found.has(`${w.streamType}\n${w.streamId.toLowerCase()}`));
  if (missing) throw new ReferenceNotFoundError(missing.field, missing.aggregate, missing.streamId);
}
