import type { RouteHandlerMethod } from "fastify";
import { applicationMeta } from "../meta/app-meta.js";
import { commandMeta } from "../meta/command-meta.js";
import { resourceMeta } from "../meta/resource-meta.js";
import { viewMeta } from "../meta/view-meta.js";
import type { DomainDefinition } from "../../runtime/domain.js";
import type { Resource } from "../resources.js";
import type { RequestContext } from "../server.js";
import type { RouteHandlers } from "./register.js";

/** The roles Fluvius (Python) lists as `iamroles`. */
const IAM_ROLES = new Set(["sysadmin", "operator", "admin"]);

/**
 * `/_meta…` (what the API offers, for generic clients) and `/auth/info` (who is calling).
 * `/_meta/{domain}.{name}/` is the resource `name` when the domain has such an aggregate, else
 * the action `name` (as `/_meta/{domain}:{name}/`): a Fluvius client looks every name up with
 * a dot. An aggregate and an action of the same name: the dot gives the aggregate, the colon
 * the action. Views are listed with the aggregates (no view may take an aggregate's name).
 */
export function metaHandlers(
  domains: readonly DomainDefinition[],
  resources: readonly Resource[],
  context: RequestContext,
): Pick<RouteHandlers, "app-meta" | "domain-meta" | "action-meta" | "resource-meta" | "view-meta" | "auth-info"> {
  // Every domain, also one that only has views (fed by other domains' events).
  const documents = domains.map((domain) => {
    const own = resources.filter((r) => r.domain === domain);
    const commands = Object.fromEntries(own.flatMap((r) => Object.keys(r.meta.definition.actions).map((action) => [action, commandMeta(r, action)] as const)));
    const aggregates = Object.fromEntries([
      ...own.map((r) => [r.name, resourceMeta(r)] as const),
      ...(domain.views ?? []).map((v) => [v.name, viewMeta(domain, v)] as const),
    ]);
    const meta = { id: domain.name, name: domain.name, description: domain.description ?? "", revision: domain.revision, commands };
    return { domain, commands, aggregates, meta };
  });
  const application = applicationMeta({
    name: context.name,
    version: context.version,
    build: context.build,
    metadata: documents.map((d) => [d.domain.name, d.commands, d.aggregates]),
  });
  const documentOf = (domain: string) => {
    const found = documents.find((d) => d.domain.name === domain);
    if (!found) throw new Error(`No domain ${domain} for a route of the table.`);
    return found;
  };
  const serve = (value: unknown) => async () => value;

  return {
    "app-meta": () => serve(application),
    "domain-meta": (route) => serve(documentOf(route.domain).meta),
    "action-meta": (route) => serve(documentOf(route.domain).commands[route.action]),
    "resource-meta": (route) => serve(documentOf(route.domain).aggregates[route.aggregate]),
    "view-meta": (route) => serve(documentOf(route.domain).aggregates[route.view]),
    "auth-info": () => authInfo(context),
  };
}

/** Who is calling: the actor and the token's profile claims. */
function authInfo(context: RequestContext): RouteHandlerMethod {
  return async (request) => {
    const { actor, claims } = await context.authenticate(request);
    const text = (key: string) => (typeof claims[key] === "string" ? (claims[key] as string) : undefined);
    const username = text("preferred_username") ?? actor.id;
    const tenantName = context.tenantNameClaim === undefined ? undefined : text(context.tenantNameClaim);
    return {
      user: { _id: actor.id, username, name: text("name") ?? username, email: text("email") ?? null },
      profile: { _id: actor.id, name: text("name") ?? null, email: text("email") ?? null },
      organization: { _id: actor.tenant, name: tenantName ?? actor.tenant },
      realm: claims.iss ?? null,
      roles: actor.roles,
      // As Fluvius: the actor's roles that administer the identity system itself.
      iamroles: actor.roles.filter((role) => IAM_ROLES.has(role)),
    };
  };
}
