import { InvalidQueryError } from "./errors.js";

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 1000;
export const MAX_PAGE = 1_000_000;

/**
 * A list read of an aggregate's read model or of a view (docs/runtime.md, "Reading lists").
 * Every part is checked against the resource's fields: a mistake is an InvalidQueryError
 * (400) naming it, never a database error.
 */
export interface ListRequest {
  /** A filter in the filter language (a JSON value: `{ "status": "open", "total.gt": 10 }`, groups `.and`/`.or`); none: every row. */
  readonly query?: unknown;
  /** Case-insensitive substring search over the text and enum fields. */
  readonly text?: string;
  /** `field.asc,field.desc`, …; the last tie-breaker is always the key, so pages never overlap. */
  readonly sort?: string;
  /** Rows per page: 1 to 1000, default 25. */
  readonly limit?: number;
  /** From 1 (default 1). */
  readonly page?: number;
  /** Only these fields (the key is always kept). */
  readonly include?: readonly string[];
  /** All fields but these (after `include`). */
  readonly exclude?: readonly string[];
}

/**
 * How many rows past the page's end a list counts. Counting every match would read every
 * matching row on every page (a whole tenant's table for an unfiltered list); past this,
 * `total` is a lower bound and `capped` says so (docs/http.md, "Lists at scale").
 */
export const COUNT_AHEAD = 10_000;

/** One page of rows, with the count of the rows the request matches (up to COUNT_AHEAD past the page). */
export interface ListPage<T> {
  readonly rows: readonly T[];
  /** Every matching row, or, with `capped`, at least this many. */
  readonly total: number;
  /** More rows match than `total` counts (it stopped COUNT_AHEAD rows past the page's end). */
  readonly capped?: true;
  readonly limit: number;
  readonly page: number;
}

/** The request's page size and number, checked (as the query string's limits). */
export function pageOf(request: ListRequest): { readonly limit: number; readonly page: number } {
  return { limit: bounded(request.limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), page: bounded(request.page, "page", 1, 1, MAX_PAGE) };
}

function bounded(value: number | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InvalidQueryError(`\`${name}\` must be an integer from ${min} to ${max}.`, { parameter: name, [name]: value });
  return value;
}

/**
 * The fields a list's rows carry: `include` keeps only those, `exclude` drops those (in that
 * order). The key fields are always kept: a row without its key cannot be opened or commanded.
 * A name that is not a field of the resource is a 400 naming it. Undefined when neither
 * names a field (every field).
 */
export function selectionOf(request: ListRequest, fields: readonly string[], key: readonly string[]): ReadonlySet<string> | undefined {
  const include = names(request.include, "include", fields);
  const exclude = names(request.exclude, "exclude", fields);
  if (include === undefined && exclude === undefined) return undefined;
  const chosen = new Set(include ?? fields);
  for (const name of exclude ?? []) chosen.delete(name);
  for (const name of key) chosen.add(name);
  return chosen;
}

function names(list: readonly string[] | undefined, parameter: "include" | "exclude", fields: readonly string[]): readonly string[] | undefined {
  if (list === undefined || list.length === 0) return undefined;
  const unknown = list.find((name) => !fields.includes(name));
  if (unknown !== undefined) {
    throw new InvalidQueryError(`\`${parameter}\` names '${unknown.slice(0, 100)}', which is not a field of this resource.`, {
      parameter,
      field: unknown.slice(0, 100),
      fields,
    });
  }
  return list;
}
