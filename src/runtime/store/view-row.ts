import type { Sql } from "../db/database.js";
import type { ViewColumn, ViewTableDefinition } from "../views/definition.js";
import { quoteIdent } from "./sql.js";

/**
 * One view row by its key, in one tenant, for handlers' lookups (lookups/reader.ts). The row
 * is spelled as the API spells it (src/http/routes/views.ts): decimals and ids as text, dates
 * as YYYY-MM-DD, integers as numbers, times as ISO, NULL fields left out.
 */
export async function readViewRow(
  sql: Sql,
  table: ViewTableDefinition,
  tenant: string,
  key: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const select = [...table.key.map(expression), `"_version"`, `"_updated"`, ...table.columns.map(expression)].join(", ");
  // Key parts arrive as text (checked against their kind by the caller) and are cast to the column's type.
  const where = ['"_tenant" = $1::text', ...table.key.map((c, i) => `${quoteIdent(c.column)} = $${i + 2}::text::${c.sqlType}`)];
  const [row] = await sql.query<Record<string, unknown>>(
    `SELECT ${select} FROM ${quoteIdent(table.schema)}.${quoteIdent(table.table)} WHERE ${where.join(" AND ")}`,
    [tenant, ...key],
  );
  return row === undefined ? undefined : rowOf(table, row);
}

function expression(c: ViewColumn): string {
  const source = quoteIdent(c.column);
  if (c.sqlType.startsWith("numeric") || c.sqlType === "uuid") return `${source}::text AS ${quoteIdent(c.field)}`;
  if (c.sqlType === "date") return `to_char(${source}, 'YYYY-MM-DD') AS ${quoteIdent(c.field)}`;
  return `${source} AS ${quoteIdent(c.field)}`;
}

function rowOf(table: ViewTableDefinition, row: Record<string, unknown>): Record<string, unknown> {
  const integers = new Set(["_version", ...[...table.key, ...table.columns].filter((c) => c.sqlType === "bigint" || c.sqlType === "integer").map((c) => c.field)]);
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === null) continue;
    if (value instanceof Date) item[name] = value.toISOString();
    else if (typeof value === "bigint" || (typeof value === "string" && integers.has(name))) item[name] = Number(value);
    else item[name] = value;
  }
  return item;
}
