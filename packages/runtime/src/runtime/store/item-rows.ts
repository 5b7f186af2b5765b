import { quoteIdent } from "../db/sql-text.js";
import { isSystemField, type QueryField } from "../read/fields.js";

/**
 * The SELECT list of an aggregate's read-model table, with the conversions that make a row
 * look exactly like the item `get` returns: decimals as exact strings, dates as YYYY-MM-DD,
 * ids as text. With `only` (a list's `include`/`exclude`), just those fields, in the same order.
 */
export function itemSelectList(fields: readonly QueryField[], only?: ReadonlySet<string>): string {
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
  const state = fields
    .filter((f) => !isSystemField(f.name) && keep(f.name))
    .map((f) => {
      const source = quoteIdent(f.column);
      if (f.numeric === "decimal" || f.kind === "uuid") return `${source}::text AS ${quoteIdent(f.name)}`;
      if (f.kind === "date") return `to_char(${source}, 'YYYY-MM-DD') AS ${quoteIdent(f.name)}`;
      return `${source} AS ${quoteIdent(f.name)}`;
    });
  return [...system, ...state].join(", ");
}

/** System fields a row always carries, null or not (state fields are left out when NULL). */
const NULLABLE_SYSTEM = new Set(["_creator", "_updater"]);

/**
 * A database row as the item: system fields, then state fields without NULLs. Integers are
 * bigint columns, which the pg driver returns as strings: they become numbers again (spec
 * integers are safe JavaScript integers).
 */
export function itemOfRow(integers: ReadonlySet<string>, row: Record<string, unknown>): Record<string, unknown> {
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
