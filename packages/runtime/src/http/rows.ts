import type { Resource } from "./resources.js";

/**
 * The runtime's item in the wire shape: the system fields, then the state fields in the
 * order of the resource's fields, as a list row has them (a state read back from a
 * snapshot has jsonb's key order, a folded one evolve's), so every answer is the same bytes.
 */
export function wireItem(resource: Resource, item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { _id, _version, _created, _updated, _creator, _updater, ...state } = item;
  const wire: Record<string, unknown> = { _id, _version, _created, _updated, _creator: _creator ?? null, _updater: _updater ?? null };
  for (const field of resource.meta.fields) {
    const value = state[field.name];
    if (value !== undefined && value !== null) wire[field.name] = value;
  }
  for (const [key, value] of Object.entries(state)) if (!(key in wire) && value !== undefined && value !== null) wire[key] = value;
  return wire;
}
