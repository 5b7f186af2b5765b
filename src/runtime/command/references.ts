import type { ActionDefinition, EventShape } from "../definition.js";
import { ReferenceNotFoundError } from "../errors.js";
import type { StreamRef, TenantStore } from "../store/types.js";

/**
 * Refuses a command whose `checked` refs name no stream in the tenant: one statement for all
 * of them, after the payload check and before the stream is loaded. A read at decision time
 * is enough because streams are never deleted: a stream seen to exist keeps existing.
 */
export async function checkReferences<S, E extends EventShape>(
  tenant: TenantStore,
  domain: string,
  action: ActionDefinition<S, unknown, E>,
  payload: unknown,
): Promise<void> {
  const refs = action.checkedRefs;
  if (refs === undefined || refs.length === 0) return;
  const fields = (payload ?? {}) as Readonly<Record<string, unknown>>;
  const wanted: (StreamRef & { readonly field: string; readonly aggregate: string })[] = [];
  for (const ref of refs) {
    const value = fields[ref.field];
    const streamType = `${domain}.${ref.aggregate}`;
    // The payload schema made these uuids (or arrays of them); an absent optional ref is not checked.
    if (typeof value === "string") wanted.push({ field: ref.field, aggregate: ref.aggregate, streamType, streamId: value });
    else if (Array.isArray(value)) {
      value.forEach((id, i) => {
        if (typeof id === "string") wanted.push({ field: `${ref.field}.${i}`, aggregate: ref.aggregate, streamType, streamId: id });
      });
    }
  }
  const found = new Set((await tenant.existingStreams(wanted)).map((r) => `${r.streamType}\n${r.streamId}`));
  const missing = wanted.find((w) => !found.has(`${w.streamType}\n${w.streamId.toLowerCase()}`));
  if (missing) throw new ReferenceNotFoundError(missing.field, missing.aggregate, missing.streamId);
}
