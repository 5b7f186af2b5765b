import type { FastifyInstance } from "fastify";
import type { DomainDefinition } from "../../runtime/domain.js";
import { createViewReader } from "../../runtime/read/view-reader.js";
import { listRequestOf, pagination, type ListParameters } from "../query/list-query.js";
import type { RequestContext } from "../server.js";

/**
 * Views served like aggregates (docs/views.md): `GET {base}/{domain}.{view}/` lists rows with
 * the filter language, sort and pages; `GET {base}/{domain}.{view}/{key…}` one row (one path
 * segment per key part). The runtime's view reader guards both: the actor's tenant, the
 * policy's `where` for `<view>:read`.
 */
export function registerViews(app: FastifyInstance, domains: readonly DomainDefinition[], context: RequestContext): void {
  for (const domain of domains) {
    for (const view of domain.views ?? []) {
      const base = `${context.basePath}/${domain.name}.${view.name}`;
      const reader = createViewReader(context.store, view, domain.policy);

      app.get(`${base}/`, async (request) => {
        const { actor } = await context.authenticate(request);
        const page = await reader.list(actor, listRequestOf(request.query as ListParameters));
        return { data: page.rows, pagination: pagination(page.total, page.limit, page.page) };
      });

      app.get(`${base}/${view.table.key.map((_, i) => `:k${i}`).join("/")}`, async (request) => {
        const { actor } = await context.authenticate(request);
        const params = request.params as Readonly<Record<string, string>>;
        return reader.get(actor, view.table.key.map((_, i) => params[`k${i}`] ?? ""));
      });
    }
  }
}
