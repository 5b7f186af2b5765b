import type { FastifyInstance } from "fastify";
import type { FieldMeta } from "../../runtime/domain.js";
import { isSortable, OPERATORS, type QueryField } from "../query/fields.js";
import type { Resource } from "../resources.js";
import type { RequestContext } from "../server.js";

const OPERATOR_LABELS: Record<string, string> = {
  eq: "=",
  ne: "≠",
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  has: "contains",
  in: "is one of",
  between: "between",
  ov: "overlaps",
};

/** The form input a UI should show for a field kind. */
function inputType(kind: string): string {
  switch (kind) {
    case "text":
      return "textarea";
    case "enum":
      return "select";
    case "boolean":
      return "checkbox";
    case "integer":
    case "number":
    case "decimal":
      return "number";
    case "date":
      return "date";
    case "datetime":
      return "datetime";
    case "uuid":
    case "ref":
      return "uuid";
    case "object":
    case "array":
    case "json":
      return "json";
    default:
      return "text";
  }
}

const SYSTEM_META: readonly FieldMeta[] = [
  { name: "_id", label: "Id", kind: "uuid", optional: false },
  { name: "_version", label: "Version", kind: "integer", optional: false },
  { name: "_created", label: "Created", kind: "datetime", optional: false },
  { name: "_updated", label: "Updated", kind: "datetime", optional: false },
];

/** `/_meta…` (what the API offers, for generic clients) and `/auth/info` (who is calling). */
export function registerMeta(app: FastifyInstance, resources: readonly Resource[], context: RequestContext): void {
  const { basePath } = context;
  app.get(`${basePath}/_meta`, async () => ({ name: context.name, version: context.version, framework: "fluvius" }));

  const domains = [...new Map(resources.map((r) => [r.domain.name, r.domain])).values()];
  for (const domain of domains) {
    const own = resources.filter((r) => r.domain === domain);
    const commands = Object.fromEntries(
      own.flatMap((r) =>
        Object.entries(r.meta.actions).map(([action, meta]) => [
          action,
          { key: `${domain.name}:${action}`, name: meta.label, description: meta.description ?? "", resource: r.name, genid: r.meta.definition.actions[action]?.creates ?? false },
        ]),
      ),
    );
    app.get(`${basePath}/_meta/${domain.name}/`, async () => ({
      id: domain.name,
      name: domain.name,
      description: domain.description ?? "",
      revision: domain.revision,
      commands,
    }));
    for (const resource of own) {
      for (const [action, definition] of Object.entries(resource.meta.definition.actions)) {
        const meta = resource.meta.actions[action];
        const url = `${basePath}/${domain.name}:${action}/${resource.name}/${definition.creates ? ":new" : "{id}"}`;
        app.get(`${basePath}/_meta/${domain.name}::${action}/`, async () => ({
          key: `${domain.name}:${action}`,
          name: meta?.label ?? action,
          description: meta?.description ?? "",
          schema: definition.payloadSchema,
          urls: [url],
          genid: definition.creates,
        }));
      }
      app.get(`${basePath}/_meta/${domain.name}.${resource.name}/`, async () => resourceMeta(resource));
    }
  }

  app.get(`${basePath}/auth/info`, async (request) => {
    const { actor, claims } = await context.authenticate(request.headers.authorization);
    const text = (key: string) => (typeof claims[key] === "string" ? (claims[key] as string) : undefined);
    return {
      user: { _id: actor.id, name: text("name") ?? text("preferred_username") ?? actor.id, email: text("email") ?? null },
      profile: { _id: actor.id, name: text("name") ?? null, email: text("email") ?? null },
      organization: { _id: actor.tenant },
      realm: claims.iss ?? null,
      roles: actor.roles,
    };
  });
}

function resourceMeta(resource: Resource) {
  const fields = [...SYSTEM_META, ...resource.meta.fields];
  const queryFields = new Map<string, QueryField>(resource.fields.map((f) => [f.name, f]));
  const filters: Record<string, unknown> = {};
  for (const field of fields) {
    const query = queryFields.get(field.name);
    if (!query) continue;
    for (const op of OPERATORS[query.kind]) {
      filters[`${field.name}.${op}`] = {
        field: field.name,
        label: `${field.label} ${OPERATOR_LABELS[op] ?? op}`,
        dtype: field.kind,
        input: { type: op === "in" ? "multiselect" : inputType(field.kind), ...(field.values ? { options: field.values } : {}) },
      };
    }
  }
  return {
    name: `${resource.domain.name}.${resource.name}`,
    title: resource.meta.title,
    desc: resource.meta.description ?? "",
    idfield: "_id",
    fields: fields.map((f) => {
      const query = queryFields.get(f.name);
      return {
        name: f.name,
        label: f.label,
        desc: f.description ?? "",
        noop: false,
        sortable: query ? isSortable(query) : false,
        hidden: f.name.startsWith("_") && f.name !== "_id",
        dtype: f.kind,
        ftype: inputType(f.kind),
      };
    }),
    filters,
    composites: { ".and": { label: "All of" }, ".or": { label: "Any of" } },
  };
}
