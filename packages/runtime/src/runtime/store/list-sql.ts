import type { Sql } from "../db/database.js";
import { Params, qualified, quoteIdent } from "../db/sql-text.js";
import type { AccessFilter } from "../policy.js";
import { InvalidQueryError } from "../read/errors.js";
import { isSearchable, isSortable, kindInMessage, type QueryField } from "../read/fields.js";
import { parseFilter } from "../read/filter.js";
import { COUNT_AHEAD, pageOf, type ListPage, type ListRequest } from "../read/request.js";
import { UNSTORABLE_MESSAGE, unstorablePath } from "../text.js";
import { accessSql, filterSql } from "./filter-sql.js";
import { searchQueryText, searchVectorSql } from "./search-sql.js";

/** The order without `sort` (a NOT NULL column, descending), and the columns that make any order total. */
export interface ListOrder {
  readonly newestFirst: string;
  readonly unique: readonly string[];
}

/** Newest `_created` first, then `_id`: an aggregate's rows. */
const NEWEST_FIRST: ListOrder = { newestFirst: "_created", unique: ["_id"] };

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
): Promise<ListPage<Record<string, unknown>>> {
  const fields = new Map(input.fields.map((f) => [f.name, f]));
  const params = new Params();
  const where = [`"_tenant" = ${params.add(input.tenant)}`];
  const access = accessSql(input.access, fields, params);
  if (access !== undefined) where.push(`(${access})`);

  const { query, text, sort } = input.request;
  if (query !== undefined) {
    const bad = unstorablePath(query);
    if (bad !== undefined)
      throw new InvalidQueryError(`\`query\` ${UNSTORABLE_MESSAGE}${bad === "" ? "" : ` (at ${bad})`}.`, { parameter: "query", path: bad });
    where.push(`(${filterSql(parseFilter(query, fields), params)})`);
  }
  if (text !== undefined && text.trim() !== "") {
    const searchable = input.fields.filter(isSearchable);
    const words = searchQueryText(text);
    where.push(
      searchable.length === 0 || words === undefined
        ? "FALSE"
        : `${searchVectorSql(searchable.map((f) => f.column))} @@ to_tsquery('simple'::regconfig, ${params.add(words)})`,
    );
  }

  const from = qualified(input.table.schema, input.table.table);
  const order = sortSql(sort, fields, from, input.order);
  const { limit, page } = pageOf(input.request);
  const condition = where.join(" AND ");
  // Limit and offset are parameters too, so one query shape is one statement text (prepared once).
  const n = params.values.length;
  const offset = (page - 1) * limit;
  const countUpTo = offset + limit + COUNT_AHEAD;
  const [rows, counted] = await Promise.all([
    database.query<Record<string, unknown>>(
      `SELECT ${input.columns} FROM ${from} WHERE ${condition} ORDER BY ${order} LIMIT $${n + 1}::integer OFFSET $${n + 2}::integer`,
      [...params.values, limit, offset],
    ),
    // The count stops one row past COUNT_AHEAD: its cost follows the page, not the tenant's rows.
    database.query<{ total: number }>(`SELECT count(*)::int AS total FROM (SELECT 1 FROM ${from} WHERE ${condition} LIMIT $${n + 1}::integer) AS counted`, [
      ...params.values,
      countUpTo + 1,
    ]),
  ]);
  const total = Number(counted[0]?.total ?? 0);
  return total > countUpTo ? { rows, total: countUpTo, capped: true, limit, page } : { rows, total, limit, page };
}

/**
 * `sort=f.asc,g.desc` → ORDER BY, always ending with the unique columns so pages never
 * overlap. Columns are qualified with the table: a bare name would bind to the SELECT list's
 * alias of the same name, which for decimals is the text rendering (`"balance"::text AS
 * "balance"`), and sort 100.00 before 40.00. NULLs (unset fields) come last in both
 * directions.
 *
 * Written so that an index `(_tenant, <column>, <unique…>)` (`index: true`) yields the order
 * as it is, forwards or backwards, and a page reads only its rows: the unique columns follow
 * the direction of the last sort key, and `NULLS LAST` is spelled only where it differs from
 * PostgreSQL's default (descending, on a column that can be NULL).
 */
function sortSql(sort: string | undefined, fields: ReadonlyMap<string, QueryField>, table: string, order: ListOrder = NEWEST_FIRST): string {
  const parts: string[] = [];
  let descending = true;
  for (const item of (sort ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.(asc|desc))?$/.exec(item);
    const field = match ? fields.get(match[1] ?? "") : undefined;
    if (!match || !field)
      throw new InvalidQueryError(`Cannot sort by '${item}'; write field.asc or field.desc with a field of this resource.`, { parameter: "sort", sort: item });
    if (!isSortable(field)) throw new InvalidQueryError(`Field '${field.name}' cannot be sorted (${kindInMessage(field)}).`, { parameter: "sort", sort: item });
    descending = match[2] === "desc";
    parts.push(`${table}.${quoteIdent(field.column)} ${descending ? (field.notNull ? "DESC" : "DESC NULLS LAST") : "ASC"}`);
  }
  if (parts.length === 0) parts.push(`${table}.${quoteIdent(order.newestFirst)} DESC`);
  for (const column of order.unique) parts.push(`${table}.${quoteIdent(column)} ${descending ? "DESC" : "ASC"}`);
  return parts.join(", ");
}
