/**
 * A client that talks to the API the way the Fluvius TypeScript client does (fluvius-io/rjs-frame
 * `APICollection` with a dynamic configuration, and rjs-admin's data table and query builder),
 * written from their documented behaviour for the compatibility tests:
 *
 * - a collection is named after the domain; a query `q` is `/{domain}.{q}/`, its item
 *   `/{domain}.{q}/{_id}`, its metadata `/_meta//{domain}.{q}//`; a command `c` is
 *   `/{domain}:{c}/{resource}/{_id}`; every URL is `baseUrl + path`;
 * - a path has `//` collapsed to `/`, then the search parameters appended with URLSearchParams,
 *   then `{name}` placeholders replaced by path parameters;
 * - a reply that is not 2xx is an error carrying the status and the body's text; a 2xx reply's
 *   `data.data` becomes `data` and `data.pagination` becomes `pagination`;
 * - the query builder's state becomes `query` (its filters as JSON: `{"<field>.<op>": value}`,
 *   a group as `{".and": {…}}`), `sort` (`f.asc,g.desc`), `text` and `include` (the columns).
 */
import type { FastifyInstance } from "fastify";
import type { Browser } from "./browser-jar.js";

export type Json = Record<string, unknown>;

export class HTTPError extends Error {
  constructor(
    readonly status: number,
    readonly response: string,
    readonly headers: Readonly<Record<string, unknown>>,
  ) {
    super(`HTTP ${status}`);
  }
  get body(): Json {
    return JSON.parse(this.response) as Json;
  }
}

export interface ApiParams {
  readonly search?: Readonly<Record<string, string | number>>;
  readonly path?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly data: unknown;
  readonly pagination?: Json;
  /** The body as sent, before `data.data` was unwrapped. */
  readonly raw: unknown;
}

/** The URL of a path pattern, as the client builds it (resolveUrl). */
export function resolveUrl(pattern: string, params: ApiParams = {}): string {
  let url = pattern.replace(/\/\//g, "/").trim();
  if (params.search) url += `?${new URLSearchParams(Object.entries(params.search).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
  return url.replace(/{(\w+)}/g, (match, key: string) => {
    const value = params.path?.[key];
    if (!value) throw new Error(`Path parameter '${match}' not provided`);
    return value;
  });
}

/** A filter of the query builder's state. */
export type FilterState =
  | { readonly type: "field"; readonly field: string; readonly operator: string; readonly value: unknown }
  | { readonly type: "composite"; readonly operator: string; readonly children: readonly FilterState[] };

export interface QueryState {
  readonly query?: readonly FilterState[];
  readonly sort?: readonly { readonly field: string; readonly direction: "asc" | "desc" }[];
  readonly select?: readonly string[];
  readonly text?: string;
}

/** The search parameters of a query state (rjs-admin's queryStateToApiParams, with the columns as `include`). */
export function searchOf(state: QueryState): Record<string, string> {
  const search: Record<string, string> = {};
  const query = filtersToQuery(state.query ?? []);
  if (Object.keys(query).length > 0) search.query = JSON.stringify(query);
  if (state.text) search.text = state.text;
  if (state.select && state.select.length > 0) search.include = state.select.join(",");
  if (state.sort && state.sort.length > 0) search.sort = state.sort.map((s) => `${s.field}.${s.direction}`).join(",");
  return search;
}

function filtersToQuery(filters: readonly FilterState[]): Json {
  const query: Json = {};
  for (const filter of filters) {
    if (filter.type === "field") {
      if (filter.value !== undefined && filter.value !== null && filter.value !== "") query[filter.operator] = filter.value;
    } else {
      const children = filtersToQuery(filter.children);
      if (Object.keys(children).length > 0) query[filter.operator] = children;
    }
  }
  return query;
}

/** One request as the client sends it, and the reply as it reads it. */
export interface Sent {
  readonly method: "GET" | "POST";
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string;
}
export interface Received {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}
/** How requests reach the server: Fastify's inject in process, or a browser's fetch to a listening one. */
export type Transport = (request: Sent) => Promise<Received>;

export function injectTransport(app: FastifyInstance): Transport {
  return async ({ method, url, headers, payload }) => {
    const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
}

/** Requests to `origin` (e.g. a `fluvius serve` on 127.0.0.1) with the browser's cookies, as a page of that origin sends them. */
export function browserTransport(origin: string, browser: Browser): Transport {
  return async ({ method, url, headers, payload }) => {
    const response = await browser.request(`${origin}${url}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  };
}

/** One collection (a domain) of a dynamic APICollection, over a transport (Fastify's inject when given the app). */
export class FluviusClient {
  private readonly transport: Transport;

  constructor(
    app: FastifyInstance | Transport,
    readonly name: string,
    readonly baseUrl: string,
    private readonly headers: () => Record<string, string> = () => ({}),
    /** What stands between the client and the server (e.g. a proxy that strips a prefix). */
    private readonly route: (url: string) => string = (url) => url,
  ) {
    this.transport = typeof app === "function" ? app : injectTransport(app);
  }

  query(queryName: string, params: ApiParams = {}): Promise<ApiResponse> {
    return this.get(`/${this.name}.${queryName}/`, params);
  }

  queryItem(queryName: string, id: string, params: ApiParams = {}): Promise<ApiResponse> {
    return this.get(`/${this.name}.${queryName}//{_id}`, { ...params, path: { _id: id, ...params.path } });
  }

  queryMeta(queryName: string, params: ApiParams = {}): Promise<ApiResponse> {
    return this.get(`/_meta//${this.name}.${queryName}//`, params);
  }

  /** A GET of any path of the API (e.g. a `urls.meta` from the metadata). */
  get(pattern: string, params: ApiParams = {}): Promise<ApiResponse> {
    return this.request("GET", pattern, params);
  }

  send(commandName: string, data: unknown, params: ApiParams & { readonly path: { readonly resource: string; readonly _id: string } }): Promise<ApiResponse> {
    return this.post(`/${this.name}:${commandName}/{resource}/{_id}`, data, params);
  }

  /** A command at any path pattern (e.g. a `urls.path` from the metadata). */
  post(pattern: string, data: unknown, params: ApiParams = {}): Promise<ApiResponse> {
    return this.request("POST", pattern, params, data);
  }

  private async request(method: "GET" | "POST", pattern: string, params: ApiParams, data?: unknown): Promise<ApiResponse> {
    const url = this.route(this.baseUrl + resolveUrl(pattern, params));
    const headers = { ...this.headers(), ...params.headers, ...(method === "POST" ? { "content-type": "application/json" } : {}) };
    const response = await this.transport({ method, url, headers, ...(data === undefined ? {} : { payload: JSON.stringify(data) }) });
    if (response.statusCode < 200 || response.statusCode >= 300) throw new HTTPError(response.statusCode, response.body, response.headers);
    const raw = JSON.parse(response.body) as unknown;
    const body = raw as { data?: unknown; pagination?: Json } | null;
    return {
      status: response.statusCode,
      headers: response.headers,
      raw,
      data: body && typeof body === "object" && body.data ? body.data : raw,
      ...(body && typeof body === "object" && body.pagination ? { pagination: body.pagination } : {}),
    };
  }
}
