import { InvalidQueryError } from "./errors.js";
import { isSearchable, isSortable, type QueryField } from "./fields.js";
import { parseFilter } from "./filter.js";
import { accessSql, filterSql, Params, quote } from "./sql.js";
import type { AccessFilter } from "../../runtime/policy.js";
import { UNSTORABLE_MESSAGE, unstorablePath } from "../../runtime/text.js";

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 1000;

/** The query string of a list request, as it arrives (all strings). */
export interface ListParameters {
  readonly limit?: string;
  readonly page?: string;
  readonly sort?: string;
  readonly query?: string;
  readonly text?: string;
  readonly include?: string;
  readonly exclude?: string;
}

export interface ListSql {
  /** SELECT … LIMIT/OFFSET and the matching COUNT(*), sharing one WHERE. */
  readonly select: string;
  readonly count: string;
  /** The parameters of `count`; `select` takes these plus the limit and the offset. */
  readonly params: readonly unknown[];
  readonly selectParams: readonly unknown[];
  readonly limit: number;
  readonly page: number;
  readonly offset: number;
}

/**
 * Builds the SQL of a list query over one read-model table: always scoped to the tenant,
 * narrowed to what the policy lets the actor read, then the request's filter, text search,
 * sort and page. Field names are checked against the table; values only ever go in as
 * parameters.
 */
export function buildListQuery(input: {
  readonly table: { readonly schema: string; readonly table: string };
  /** The SELECT list (column expressions); the row's fields. */
  readonly columns: string;
  readonly fields: readonly QueryField[];
  readonly tenant: string;
  readonly access: AccessFilter;
  readonly parameters: ListParameters;
  /** The order without `sort`, and the columns that make it total (default: newest `_created` first, then `_id`). */
  readonly order?: { readonly default: string; readonly unique: readonly string[] };
}): ListSql {
  const fields = new Map(input.fields.map((f) => [f.name, f]));
  const params = new Params();
  const where = [`"_tenant" = ${params.add(input.tenant)}`];
  const access = accessSql(input.access, fields, params);
  if (access !== undefined) where.push(`(${access})`);

  const { query, text, sort } = input.parameters;
  if (query !== undefined && query !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(query);
    } catch {
      throw new InvalidQueryError("`query` is not valid JSON.", { parameter: "query", query });
    }
    const bad = unstorablePath(parsed);
    if (bad !== undefined) throw new InvalidQueryError(`\`query\` ${UNSTORABLE_MESSAGE}${bad === "" ? "" : ` (at ${bad})`}.`, { parameter: "query", path: bad });
    where.push(`(${filterSql(parseFilter(parsed, fields), params)})`);
  }
  if (text !== undefined && text.trim() !== "") {
    const searchable = input.fields.filter(isSearchable);
    const pattern = params.add(`%${text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(searchable.length === 0 ? "FALSE" : `(${searchable.map((f) => `${quote(f.column)} ILIKE ${pattern} ESCAPE '\\'`).join(" OR ")})`);
  }

  const from = `${quote(input.table.schema)}.${quote(input.table.table)}`;
  const order = sortSql(sort, fields, from, input.order);
  const limit = integer(input.parameters.limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
  const page = integer(input.parameters.page, "page", 1, 1, 1_000_000);
  const offset = (page - 1) * limit;
  const condition = where.join(" AND ");
  // Limit and offset are parameters too, so one query shape is one statement text (prepared once).
  const pageParams = [...params.values, limit, offset];
  const n = params.values.length;
  return {
    select: `SELECT ${input.columns} FROM ${from} WHERE ${condition} ORDER BY ${order} LIMIT $${n + 1}::integer OFFSET $${n + 2}::integer`,
    count: `SELECT count(*)::int AS total FROM ${from} WHERE ${condition}`,
    params: params.values,
    selectParams: pageParams,
    limit,
    page,
    offset,
  };
}

/**
 * `sort=f.asc,g.desc` → ORDER BY, always ending with `_id` so pages never overlap. Columns are
 * qualified with the table: a bare name would bind to the SELECT list's alias of the same
 * name, which for decimals is the text rendering (`"balance"::text AS "balance"`), and sort
 * 100.00 before 40.00. NULLs (unset optional fields) come last in both directions.
 */
function sortSql(
  sort: string | undefined,
  fields: ReadonlyMap<string, { column: string } & QueryField>,
  table: string,
  order: { readonly default: string; readonly unique: readonly string[] } = { default: `"_created" DESC`, unique: ["_id"] },
): string {
  const parts: string[] = [];
  for (const item of (sort ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.(asc|desc))?$/.exec(item);
    const field = match ? fields.get(match[1] ?? "") : undefined;
    if (!match || !field) throw new InvalidQueryError(`Cannot sort by '${item}'; write field.asc or field.desc with a field of this resource.`, { parameter: "sort", sort: item });
    if (!isSortable(field)) throw new InvalidQueryError(`Field '${field.name}' cannot be sorted (${field.kind}).`, { parameter: "sort", sort: item });
    parts.push(`${table}.${quote(field.column)} ${match[2] === "desc" ? "DESC" : "ASC"} NULLS LAST`);
  }
  if (parts.length === 0) parts.push(`${table}.${order.default}`);
  for (const column of order.unique) parts.push(`${table}.${quote(column)} ASC`);
  return parts.join(", ");
}

/** A query-string integer within bounds, else a 400 naming the parameter. */
export function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidQueryError(`\`${name}\` must be an integer from ${min} to ${max}.`, { parameter: name, [name]: value });
  return n;
}

/** The pagination block of a list reply; `pages` is 0 only when there is nothing at all. */
export function pagination(total: number, limit: number, page: number) {
  return { limit, offset: (page - 1) * limit, page, total, pages: Math.ceil(total / limit) };
}
