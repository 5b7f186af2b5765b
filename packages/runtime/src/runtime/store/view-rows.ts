import type { Sql } from "../db/database.js";
import { Params, qualified, quoteIdent } from "../db/sql-text.js";
import type { AccessFilter } from "../policy.js";
import type { QueryField } from "../read/fields.js";
import type { ViewColumn, ViewTableDefinition } from "../views/definition.js";
import { accessSql } from "./filter-sql.js";

/** Whether a view column holds integers (bigint: the pg driver returns text). */
export function isIntegerColumn(column: ViewColumn): boolean {
  return column.sqlType === "bigint" || column.sqlType === "integer";
}

/** The SELECT list of a view: decimals as exact text, dates as YYYY-MM-DD, ids as text (as aggregates' rows). */
export function viewSelectList(table: ViewTableDefinition, only?: ReadonlySet<string>): string {
  const keep = (name: string) => only === undefined || only.has(name) || table.key.some((k) => k.field === name);
  const expression = (c: ViewColumn) => {
    const source = quoteIdent(c.column);
    if (c.sqlType.startsWith("numeric") || c.sqlType === "uuid") return `${source}::text AS ${quoteIdent(c.field)}`;
    if (c.sqlType === "date") return `to_char(${source}, 'YYYY-MM-DD') AS ${quoteIdent(c.field)}`;
    return `${source} AS ${quoteIdent(c.field)}`;
  };
  return [
    ...table.key.map(expression),
    ...(keep("_version") ? [`"_version"`] : []),
    ...(keep("_updated") ? [`"_updated"`] : []),
    ...table.columns.filter((c) => keep(c.field)).map(expression),
  ].join(", ");
}

/** A row as the read side returns it: key parts and system fields, then the fields without NULLs; integers as numbers, times as ISO. */
export function viewRowOf(table: ViewTableDefinition, row: Record<string, unknown>): Record<string, unknown> {
  const integers = new Set([...table.key, ...table.columns].filter(isIntegerColumn).map((c) => c.field));
  const item: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null) continue;
    if (value instanceof Date) item[key] = value.toISOString();
    else if (typeof value === "bigint" || (typeof value === "string" && integers.has(key))) item[key] = Number(value);
    else item[key] = value;
  }
  return item;
}

/** The row of a key (one text per key part, already checked against its column's type) in a tenant, if the access filter lets it be seen. */
export async function readViewRow(
  sql: Sql,
  input: {
    readonly table: ViewTableDefinition;
    readonly tenant: string;
    readonly key: readonly string[];
    readonly access: AccessFilter;
    /** What the access filter's fields are (the view's query fields); none needed when it lets every row be seen. */
    readonly fields?: readonly QueryField[];
  },
): Promise<Record<string, unknown> | undefined> {
  const { table } = input;
  const p = new Params();
  const where = [`"_tenant" = ${p.add(input.tenant)}`, ...table.key.map((c, i) => `${quoteIdent(c.column)} = ${p.add(input.key[i])}::text::${c.sqlType}`)];
  const access = accessSql(input.access, new Map((input.fields ?? []).map((f) => [f.name, f])), p);
  if (access !== undefined) where.push(`(${access})`);
  const [row] = await sql.query<Record<string, unknown>>(
    `SELECT ${viewSelectList(table)} FROM ${qualified(table.schema, table.table)} WHERE ${where.join(" AND ")}`,
    p.values,
  );
  return row === undefined ? undefined : viewRowOf(table, row);
}
