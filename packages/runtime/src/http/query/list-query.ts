import { InvalidQueryError } from "../../runtime/read/errors.js";
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_PAGE, type ListRequest } from "../../runtime/read/request.js";

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

/**
 * A list's query string as the runtime's list request: `query` is JSON, `limit` and `page`
 * integers, `include` and `exclude` comma-separated names. What the names and values mean
 * is checked by the runtime (service.list, the view reader).
 */
export function listRequestOf(parameters: ListParameters): ListRequest {
  const { query, text, sort } = parameters;
  let filter: unknown;
  if (query !== undefined && query !== "") {
    try {
      filter = JSON.parse(query);
    } catch {
      throw new InvalidQueryError("`query` is not valid JSON.", { parameter: "query", query });
    }
  }
  return {
    ...(filter === undefined ? {} : { query: filter }),
    ...(text === undefined ? {} : { text }),
    ...(sort === undefined ? {} : { sort }),
    limit: integer(parameters.limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
    page: integer(parameters.page, "page", 1, 1, MAX_PAGE),
    ...names("include", parameters.include),
    ...names("exclude", parameters.exclude),
  };
}

function names(parameter: "include" | "exclude", value: string | undefined): Partial<Record<"include" | "exclude", string[]>> {
  if (value === undefined) return {};
  return {
    [parameter]: value
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== ""),
  };
}

/** A query-string integer within bounds, else a 400 naming the parameter. */
export function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidQueryError(`\`${name}\` must be an integer from ${min} to ${max}.`, { parameter: name, [name]: value });
  return n;
}

/**
 * The pagination block of a list reply; `pages` is 0 only when there is nothing at all.
 * `capped`: more rows match than `total` counts (the runtime counts up to a bound past the page).
 */
export function pagination(total: number, limit: number, page: number, capped?: true) {
  return { limit, offset: (page - 1) * limit, page, total, pages: Math.ceil(total / limit), ...(capped ? { capped } : {}) };
}
