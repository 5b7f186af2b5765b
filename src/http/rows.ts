import type { Resource } from "./resources.js";
import { quote } from "./query/sql.js";

/**
 * The SELECT list of a read-model table, with the conversions that make a row look exactly
 * like the item the runtime returns: decimals as exact strings, dates as YYYY-MM-DD. With
 * `only` (a list's `include`/`exclude`), just those fields, in the same order.
 */
export function selectList(resource: Resource, only?: ReadonlySet<string>): string {
  const keep = (name: string) => only === undefined || only.has(name);
  const system = (
    [
      ["_id", `"_id"::text AS "_id"`],
      ["_version", `"_version"`],
      ["_created", `"_created"`],
      ["_updated", `"_updated"`],
      ["_creator", `"_creator"`],
      ["_updater", `"_updater"`],
    ] as const
  )
    .filter(([name]) => keep(name))
    .map(([, sql]) => sql);
  const fields = resource.meta.fields.filter((f) => keep(f.name)).map((f) => {
    const column = resource.fields.find((q) => q.name === f.name)?.column ?? f.name;
    const source = quote(column);
    if (f.kind === "decimal") return `${source}::text AS ${quote(f.name)}`;
    if (f.kind === "date") return `to_char(${source}, 'YYYY-MM-DD') AS ${quote(f.name)}`;
    if (f.kind === "uuid" || f.kind === "ref") return `${source}::text AS ${quote(f.name)}`;
    return `${source} AS ${quote(f.name)}`;
  });
  return [...system, ...fields].join(", ");
}

/** System fields a row always carries, null or not (state fields are left out when NULL). */
const NULLABLE_SYSTEM = new Set(["_creator", "_updater"]);

/**
 * A database row as the API's item: system fields, then state fields without NULLs.
 * Integers are bigint columns, which the pg driver returns as strings: they become numbers
 * again (spec integers are safe JavaScript integers).
 */
export function itemOfRow(resource: Resource, row: Record<string, unknown>): Record<string, unknown> {
  const integers = integerFields(resource);
  const item: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null) {
      if (NULLABLE_SYSTEM.has(key)) item[key] = null;
      continue;
    }
    if (value instanceof Date) item[key] = value.toISOString();
    else if (typeof value === "bigint" || (typeof value === "string" && integers.has(key))) item[key] = Number(value);
    else item[key] = value;
  }
  return item;
}

const integerFieldsOf = new WeakMap<Resource, ReadonlySet<string>>();

function integerFields(resource: Resource): ReadonlySet<string> {
  let set = integerFieldsOf.get(resource);
  if (!set) {
    set = new Set(resource.meta.fields.filter((f) => f.kind === "integer").map((f) => f.name));
    integerFieldsOf.set(resource, set);
  }
  return set;
}

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
