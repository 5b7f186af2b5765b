import type { DomainDefinition } from "../../runtime/domain.js";
import { createViewReader, type ViewReader } from "../../runtime/read/view-reader.js";
import { listRequestOf, pagination, type ListParameters } from "../query/list-query.js";
import type { RequestContext } from "../server.js";
import type { RouteHandlers } from "./register.js";

/**
 * Views served like aggregates (docs/views.md): `GET {base}/{domain}.{view}/` lists rows with
 * the filter language, sort and pages; `GET {base}/{domain}.{view}/{key…}` one row (one path
 * segment per key part). The runtime's view reader guards both: the actor's tenant, the
 * policy's `where` for `<view>:read`.
 */
export function viewHandlers(domains: readonly DomainDefinition[], context: RequestContext): Pick<RouteHandlers, "view-list" | "view-row"> {
  const readers = new Map<string, ViewReader>();
  for (const domain of domains) {
    for (const view of domain.views ?? []) readers.set(`${domain.name}.${view.name}`, createViewReader(context.store, view, domain.policy));
  }
  const readerOf = (route: { readonly domain: string; readonly view: string }) => {
    const reader = readers.get(`${route.domain}.${route.view}`);
    if (!reader) throw new Error(`No view ${route.domain}.${route.view} for a route of the table.`);
    return reader;
  };
  return {
    "view-list": (route) => {
      const reader = readerOf(route);
      return async (request) => {
        const { actor } = await context.authenticate(request);
        const page = await reader.list(actor, listRequestOf(request.query as ListParameters));
        return { data: page.rows, pagination: pagination(page.total, page.limit, page.page, page.capped) };
      };
    },
    "view-row": (route) => {
      const reader = readerOf(route);
      return async (request) => {
        const { actor } = await context.authenticate(request);
        const params = request.params as Readonly<Record<string, string>>;
        return reader.get(
          actor,
          route.key.map((part) => params[part] ?? ""),
        );
      };
    },
  };
}
