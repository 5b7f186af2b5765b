import type { FastifyInstance, RouteHandlerMethod, RouteOptions } from "fastify";
// Brings `wsHandler` into Fastify's route options.
import type {} from "@fastify/websocket";
import type { DomainDefinition } from "../../runtime/domain.js";
import type { Resource } from "../resources.js";
import { type ApiRoute, type ApiShape, fastifyPath } from "../route-table.js";

/** A handler maker per kind of route of the table. */
export type RouteHandlers = { readonly [K in ApiRoute["kind"]]: (route: Extract<ApiRoute, { kind: K }>) => RouteHandlerMethod | RouteParts };

/** A route with more than a handler: a WebSocket's `wsHandler` and the hook that runs before the upgrade. */
export type RouteParts = Pick<RouteOptions, "handler" | "preHandler" | "wsHandler">;

/** Registers every route of the table (src/http/route-table.ts), the ones the OpenAPI document describes. */
export function registerRoutes(app: FastifyInstance, routes: readonly ApiRoute[], handlers: RouteHandlers): void {
  for (const route of routes) {
    // Handlers are keyed by the routes' kinds; TypeScript cannot follow that correlation through the index.
    const handlerOf = handlers[route.kind] as (route: ApiRoute) => RouteHandlerMethod | RouteParts;
    const made = handlerOf(route);
    app.route({ method: route.method, url: fastifyPath(route.path), ...(typeof made === "function" ? { handler: made } : made) });
  }
}

/** The routes' names, as the runtime definitions have them. */
export function apiShapeOf(domains: readonly DomainDefinition[], resources: readonly Resource[]): ApiShape {
  return {
    domains: domains.map((domain) => ({
      name: domain.name,
      aggregates: resources
        .filter((r) => r.domain === domain)
        .map((r) => ({
          name: r.name,
          actions: Object.entries(r.meta.definition.actions).map(([name, action]) => ({ name, creates: action.creates === true })),
          lookupFields: lookupFields(r),
        })),
      views: (domain.views ?? []).map((view) => ({ name: view.name, key: view.table.key.map((k) => k.field) })),
    })),
  };
}

/** The resource a route names; the table is built from the same resources, so it is always there. */
export function resourceOf(resources: readonly Resource[], route: { readonly domain: string; readonly aggregate: string }): Resource {
  const resource = resources.find((r) => r.domain.name === route.domain && r.name === route.aggregate);
  if (!resource) throw new Error(`No resource ${route.domain}.${route.aggregate} for a route of the table.`);
  return resource;
}

/** Fields `GET …/by/{field}/{value}` accepts: the natural key, then single-field unique constraints. */
function lookupFields(resource: Resource): string[] {
  const definition = resource.meta.definition;
  const unique = (definition.readModel?.unique ?? []).flatMap((u) => (u.fields.length === 1 && u.fields[0] !== undefined ? [u.fields[0]] : []));
  const key = definition.naturalKey?.field;
  return [...new Set([...(key === undefined ? [] : [key]), ...unique])];
}
