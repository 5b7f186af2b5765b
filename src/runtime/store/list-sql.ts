import type { Sql } from "../db/database.js";
import { Params, qualified, quoteIdent } from "../db/sql-text.js";
import type { AccessFilter } from "../policy.js";
import { InvalidQueryError } from "../read/errors.js";
import { isSearchable, isSortable, type QueryField } from "../read/fields.js";
import { parseFilter } from "../read/filter.js";
import { pageOf, type ListRequest } from "../read/request.js";
import { UNSTORABLE_MESSAGE, unstorablePath } from "../text.js";
import { accessSql, filterSql } from "./filter-sql.js";
import { searchQueryText, searchVectorSql } from "./search-sql.js";

/** The order without `sort`, and the columns that make it total. */
export interface ListOrder {
  readonly default: string;
  readonly unique: readonly string[];
}

/** Newest `_created` first, then `_id`: an aggregate's rows. */
const NEWEST_FIRST: ListOrder = { default: `"_created" DESC`, unique: ["_id"] };

/**
 * Runs a list read over one read-model table: always scoped to the tenant, narrowed to what
 * the policy lets the actor read, then the request's filter, text search, sort and page.
 * Field names are checked against the table; values only ever go in as parameters. The page
 * and the count share one WHERE and run side by side.
 */
export async function listRows(
  database: Sql,
  input: {
    readonly table: { readonly schema: string; readonly table: string };
    /** The SELECT list (column expressions); the row's fields. */
    readonly columns: string;
    readonly fields: readonly QueryField[];
    readonly tenant: string;
    readonly access: AccessFilter;
    readonly request: ListRequest;
    readonly order?: ListOrder;
  },
): Promise<{ readonly rows: readonly Record<string, unknown>[]; readonly total: number; readonly limit: number; readonly page: number }> {
  const fields = new Map(input.fields.map((f) => [f.name, f]));
  const params = new Params();
  const where = [`"_tenant" = ${params.add(input.tenant)}`];
  const access = accessSql(input.access, fields, params);
  if (access !== undefined) where.push(`(${access})`);

  const { query, text, sort } = input.request;
  if (query !== undefined) {
    const bad = unstorablePath(query);
    if (bad !== undefined) throw new InvalidQueryError(`\`query\` ${UNSTORABLE_MESSAGE}${bad === "" ? "" : ` (at ${bad})`}.`, { parameter: "query", path: bad });
    where.push(`(${filterSql(parseFilter(query, fields), params)})`);
  }
  if (text !== undefined && text.trim() !== "") {
    const searchable = input.fields.filter(isSearchable);
    const words = searchQueryText(text);
    where.push(searchable.length === 0 || words === undefined ? "FALSE" : `${searchVectorSql(searchable.map((f) => f.column))} @@ to_tsquery('simple'::regconfig, ${params.add(words)})`);
  }

  const from = qualified(input.table.schema, input.table.table);
  const order = sortSql(sort, fields, from, input.order);
  const { limit, page } = pageOf(input.request);
  const condition = where.join(" AND ");
  // Limit and offset are parameters too, so one query shape is one statement text (prepared once).
  const n = params.values.length;
  const [rows, counted] = await Promise.all([
    database.query<Record<string, unknown>>(
      `SELECT ${input.columns} FROM ${from} WHERE ${condition} ORDER BY ${order} LIMIT $${n + 1}::integer OFFSET $${n + 2}::integer`,
      [...params.values, limit, (page - 1) * limit],
    ),
    database.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${from} WHERE ${condition}`, params.values),
  ]);
  return { rows, total: Number(counted[0]?.total ?? 0), limit, page };
}

/**
 * `sort=f.asc,g.desc` → ORDER BY, always ending with the unique columns so pages never
 * overlap. Columns are qualified with the table: a bare name would bind to the SELECT list's
 * alias of the same name, which for decimals is the text rendering (`"balance"::text AS
 * "balance"`), and sort 100.00 before 40.00. NULLs (unset optional fields) come last in both
 * directions.
 */
function sortSql(sort: string | undefined, fields: ReadonlyMap<string, QueryField>, table: string, order: ListOrder = NEWEST_FIRST): string {
  const parts: string[] = [];
  for (const item of (sort ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.(asc|desc))?$/.exec(item);
    const field = match ? fields.get(match[1] ?? "") : undefined;
    if (!match || !field) throw new InvalidQueryError(`Cannot sort by '${item}'; write field.asc or field.desc with a field of this resource.`, { parameter: "sort", sort: item });
    if (!isSortable(field)) throw new InvalidQueryError(`Field '${field.name}' cannot be sorted (${field.kind}).`, { parameter: "sort", sort: item });
    parts.push(`${table}.${quoteIdent(field.column)} ${match[2] === "desc" ? "DESC" : "ASC"} NULLS LAST`);
  }
  if (parts.length === 0) parts.push(`${table}.${order.default}`);
  for (const column of order.unique) parts.push(`${table}.${quoteIdent(column)} ASC`);
  return parts.join(", ");
}
