/**
 * The one table of the API's routes: the server registers a handler for each and the OpenAPI
 * document describes each, so neither can have a route the other lacks. It reads only names,
 * so `fluvius generate` (from the model) and `fluvius serve` (from the runtime's definitions)
 * build it alike. Session routes are outside it: they exist only with a session configured.
 */

/** What the routes depend on, from the model or from the runtime definitions. */
export interface ApiShape {
  readonly domains: readonly DomainShape[];
}

export interface DomainShape {
  readonly name: string;
  readonly aggregates: readonly {
    readonly name: string;
    readonly actions: readonly { readonly name: string; readonly creates: boolean }[];
    /** Fields `…/by/{field}/{value}` accepts: the natural key, then single-field unique constraints. */
    readonly lookupFields: readonly string[];
  }[];
  /** Views with their key parts, in key order. */
  readonly views: readonly { readonly name: string; readonly key: readonly string[] }[];
}

interface Aggregate {
  readonly domain: string;
  readonly aggregate: string;
}

/** One member per kind, so a route narrows by its kind alone. */
type Each<K extends string, T> = K extends string ? { readonly kind: K } & T : never;

/** A route; `path` is in OpenAPI's template form (`{id}`), a `:` in it is literal. */
export type ApiRoute = { readonly method: "GET" | "POST"; readonly path: string } & (
  | Each<"app-meta" | "auth-info", unknown>
  /** Live updates: server-sent events, and a WebSocket (docs/http.md, "Live updates"). */
  | Each<"live-sse" | "live-ws", unknown>
  | Each<"domain-meta", { readonly domain: string }>
  | Each<"command", Aggregate & { readonly action: string; readonly creates: boolean }>
  /** `/_meta/{domain}:{action}/`, and `/_meta/{domain}.{action}/` (`dotted`) unless a resource takes that name. */
  | Each<"action-meta", { readonly domain: string; readonly action: string; readonly dotted: boolean }>
  | Each<"list" | "item" | "history" | "resource-meta", Aggregate>
  | Each<"get-by", Aggregate & { readonly fields: readonly string[] }>
  | Each<"view-list" | "view-meta", { readonly domain: string; readonly view: string }>
  | Each<"view-row", { readonly domain: string; readonly view: string; readonly key: readonly string[] }>
);

export function apiRoutes(shape: ApiShape, basePath: string): ApiRoute[] {
  const routes: ApiRoute[] = [
    { kind: "app-meta", method: "GET", path: `${basePath}/_meta` },
    { kind: "auth-info", method: "GET", path: `${basePath}/auth/info` },
    { kind: "live-sse", method: "GET", path: `${basePath}/_live/sse` },
    { kind: "live-ws", method: "GET", path: `${basePath}/_live/ws` },
  ];
  for (const d of shape.domains) {
    const domain = d.name;
    const resources = new Set([...d.aggregates.map((a) => a.name), ...d.views.map((v) => v.name)]);
    routes.push({ kind: "domain-meta", method: "GET", path: `${basePath}/_meta/${domain}/`, domain });
    for (const a of d.aggregates) {
      const aggregate = a.name;
      for (const { name: action, creates } of a.actions) {
        const path = `${basePath}/${domain}:${action}/${aggregate}/${creates ? ":new" : "{id}"}`;
        routes.push({ kind: "command", method: "POST", path, domain, aggregate, action, creates });
        routes.push({ kind: "action-meta", method: "GET", path: `${basePath}/_meta/${domain}:${action}/`, domain, action, dotted: false });
        // The dotted spelling a Fluvius client looks names up with; a resource of the same name takes it.
        if (!resources.has(action))
          routes.push({ kind: "action-meta", method: "GET", path: `${basePath}/_meta/${domain}.${action}/`, domain, action, dotted: true });
      }
      const base = `${basePath}/${domain}.${aggregate}`;
      routes.push({ kind: "list", method: "GET", path: `${base}/`, domain, aggregate });
      routes.push({ kind: "item", method: "GET", path: `${base}/{id}`, domain, aggregate });
      if (a.lookupFields.length > 0)
        routes.push({ kind: "get-by", method: "GET", path: `${base}/by/{field}/{value}`, domain, aggregate, fields: a.lookupFields });
      routes.push({ kind: "history", method: "GET", path: `${base}/{id}/_events`, domain, aggregate });
      routes.push({ kind: "resource-meta", method: "GET", path: `${basePath}/_meta/${domain}.${aggregate}/`, domain, aggregate });
    }
    for (const v of d.views) {
      const base = `${basePath}/${domain}.${v.name}`;
      routes.push({ kind: "view-list", method: "GET", path: `${base}/`, domain, view: v.name });
      routes.push({ kind: "view-row", method: "GET", path: `${base}/${v.key.map((k) => `{${k}}`).join("/")}`, domain, view: v.name, key: v.key });
      routes.push({ kind: "view-meta", method: "GET", path: `${basePath}/_meta/${domain}.${v.name}/`, domain, view: v.name });
    }
  }
  return routes;
}

/** The path as find-my-way reads it: `{id}` → `:id`, a literal `:` doubled. */
export function fastifyPath(path: string): string {
  return path.replace(/:/g, "::").replace(/\{([^}]+)\}/g, ":$1");
}
