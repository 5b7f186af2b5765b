import type { Resource } from "./resources.js";
import { quote } from "./query/sql.js";

/**
 * The SELECT list of a read-model table, with the conversions that make a row look exactly
 * like the item the runtime returns: decimals as exact strings, dates as YYYY-MM-DD.
 */
export function selectList(resource: Resource): string {
  const system = [`"_id"::text AS "_id"`, `"_version"`, `"_created"`, `"_updated"`];
  const fields = resource.meta.fields.map((f) => {
    const column = resource.fields.find((q) => q.name === f.name)?.column ?? f.name;
    const source = quote(column);
    if (f.kind === "decimal") return `${source}::text AS ${quote(f.name)}`;
    if (f.kind === "date") return `to_char(${source}, 'YYYY-MM-DD') AS ${quote(f.name)}`;
    if (f.kind === "uuid" || f.kind === "ref") return `${source}::text AS ${quote(f.name)}`;
    return `${source} AS ${quote(f.name)}`;
  });
  return [...system, ...fields].join(", ");
}

/** A database row as the API's item: system fields, then state fields without NULLs. */
export function itemOfRow(row: Record<string, unknown>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null) continue;
    item[key] = value instanceof Date ? value.toISOString() : typeof value === "bigint" ? Number(value) : value;
  }
  return item;
}

/** The runtime's item with the system fields first, as the wire shape lists them. */
export function wireItem(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { _id, _version, _created, _updated, ...state } = item;
  return { _id, _version, _created, _updated, ...state };
}
