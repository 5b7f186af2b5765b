import type { ActionModel, AggregateModel, DomainModel, Model, ViewModel } from "../../model/model.js";
import { humanise } from "../../model/naming.js";
import { ERROR_STATUSES, errorStatusesOf, type OperationKind } from "@fluvius/runtime/internal/http/responses";
import { apiRoutes, type ApiRoute, type ApiShape } from "@fluvius/runtime/internal/http/route-table";
import { MAX_KEY_LENGTH } from "@fluvius/runtime/internal/http/routes/commands";
import { type JsonSchemaObject, objectSchema } from "../typescript/json-schema.js";
import { listParameters } from "./list-parameters.js";
import { type OpenApiSession, sessionPaths, sessionScheme } from "./session.js";

type Json = JsonSchemaObject;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ content: { "application/json": { schema } } });

/**
 * Component names must match ^[a-zA-Z0-9._-]+$. Domains, aggregates and actions are lower-case
 * kebab names without dots, so an item (one dot), a payload (two dots, `.payload`) and the
 * fixed names (upper-case first) can never collide.
 */
export const componentNames = {
  item: (domain: string, aggregate: string) => `${domain}.${aggregate}`,
  payload: (domain: string, action: string) => `${domain}.${action}.payload`,
  error: (errcode: string) => `Error.${errcode}`,
  errorResponse: (status: number) => `Error${status}`,
};

/** Error responses are shared components: a big API would otherwise repeat them thousands of times. */
function errors(kind: OperationKind): Record<string, Json> {
  return Object.fromEntries(
    errorStatusesOf(kind).map((status) => [String(status), { $ref: `#/components/responses/${componentNames.errorResponse(status)}` }]),
  );
}

/** One schema per errcode (`Error.<errcode>`, a business rule's is `Error.business-rule`) and one response per status. */
function errorComponents(): { schemas: Record<string, Json>; responses: Record<string, Json> } {
  const schemas: Record<string, Json> = {};
  const responses: Record<string, Json> = {};
  for (const { status, description, errors: codes, headers } of ERROR_STATUSES) {
    const refs = codes.map((code) => {
      const name = componentNames.error(code.errcode ?? "business-rule");
      schemas[name] ??= {
        type: "object",
        description: code.description,
        required: ["errcode", "errmesg", "errdata"],
        properties: {
          errcode: code.errcode === undefined ? { type: "string", description: "The rule's name, kebab-case." } : { const: code.errcode },
          errmesg: { type: "string" },
          errdata: code.errdata,
        },
      };
      return ref(name);
    });
    responses[componentNames.errorResponse(status)] = {
      description,
      ...(headers ? { headers } : {}),
      ...json(refs.length === 1 ? refs[0]! : { anyOf: refs }),
    };
  }
  return { schemas, responses };
}

/** How tokens are read (fluvius.yaml `auth:`), for the bearer scheme's description. */
export interface OpenApiAuth {
  readonly idClaim: string;
  readonly tenantClaim: string;
  readonly rolesClaim: string;
  readonly secretEnv: string;
  readonly jwksUrl?: string;
  readonly session?: OpenApiSession;
}

/** `/_meta…` describe the API, not data: no token, so no lock in Swagger UI. */
const metaOperation = (summary: string): Json => ({ tags: ["meta"], summary, security: [], responses: { "200": { description: "OK" }, ...errors("meta") } });

function bearerScheme(auth: OpenApiAuth): Json {
  const verified =
    auth.jwksUrl === undefined
      ? `signed (HS256) with the secret in the environment variable \`${auth.secretEnv}\`; without it, \`fluvius serve\` uses the project's development secret (.fluvius/dev-secret)`
      : `issued by your identity provider and verified against ${auth.jwksUrl}`;
  return {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: [
      `A JWT sent as \`Authorization: Bearer <token>\`, ${verified}.`,
      `Its claims make the caller: \`${auth.idClaim}\` the id, \`${auth.tenantClaim}\` the tenant, \`${auth.rolesClaim}\` the roles.`,
      "For development, mint one with `fluvius token --sub <id> --tenant <tenant> --role <role>` in the project and paste it (without `Bearer`) into Authorize.",
    ].join(" "),
  };
}

/** The OpenAPI 3.1 document of the whole project, from the model. */
export function openApiDocument(model: Model, basePath: string, auth: OpenApiAuth): Json {
  const errorParts = errorComponents();
  const schemas: Record<string, Json> = {
    Error: {
      type: "object",
      description: "The shape of every error; each status lists its errcodes.",
      required: ["errcode", "errmesg", "errdata"],
      properties: { errcode: { type: "string" }, errmesg: { type: "string" }, errdata: { type: "object" } },
    },
    ...errorParts.schemas,
    Pagination: {
      type: "object",
      required: ["limit", "offset", "page", "total", "pages"],
      properties: {
        ...Object.fromEntries(["limit", "offset", "page", "total", "pages"].map((k) => [k, { type: "integer" }])),
        capped: {
          type: "boolean",
          enum: [true],
          description:
            "Present when more rows match than `total` counts: a list counts at most 10,000 rows past the page's end, so `total` (and `pages`) are lower bounds; page on until a page comes back short.",
        },
      },
    },
  };
  for (const domain of model.domains) {
    for (const aggregate of domain.aggregates) addAggregateSchemas(domain, aggregate, schemas);
    for (const view of domain.views) schemas[componentNames.item(domain.name, view.name)] = viewSchema(view);
  }
  // The server registers the same table (packages/runtime/src/http/route-table.ts): every path here is served, every route served is here.
  const paths: Record<string, Record<string, Json>> = {};
  const find = finder(model);
  for (const route of apiRoutes(apiShapeOf(model), basePath)) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route, find) };
    if (route.kind === "auth-info" && auth.session !== undefined) Object.assign(paths, sessionPaths(basePath, auth.session, errors("auth-info")));
  }
  return {
    openapi: "3.1.0",
    info: {
      title: model.domains.map((d) => d.name).join(", ") || "fluvius API",
      version: model.domains.map((d) => `${d.name} r${d.revision}`).join(", ") || "0",
      description: model.domains
        .map((d) => d.description)
        .filter(Boolean)
        .join("\n\n"),
    },
    tags: [
      ...model.domains.map((d) => ({ name: d.name, ...(d.description ? { description: d.description } : {}) })),
      { name: "meta" },
      ...(auth.session ? [{ name: "auth" }] : []),
    ],
    // Either scheme will do: the token as a header, or the session cookie.
    security: auth.session ? [{ bearer: [] }, { session: [] }] : [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: bearerScheme(auth), ...(auth.session ? { session: sessionScheme(auth.session) } : {}) },
      schemas,
      responses: errorParts.responses,
      ...COMMAND_HEADERS,
    },
  };
}

/** The routes' names, as the model has them. */
function apiShapeOf(model: Model): ApiShape {
  return {
    domains: model.domains.map((d) => ({
      name: d.name,
      aggregates: d.aggregates.map((a) => ({
        name: a.name,
        actions: a.actions.map((x) => ({ name: x.name, creates: x.creates })),
        lookupFields: lookupFieldsOf(a),
      })),
      views: d.views.map((v) => ({ name: v.name, key: v.key.map((k) => k.name) })),
    })),
  };
}

/** The natural key, then single-field unique constraints (what `…/by/{field}/{value}` accepts). */
function lookupFieldsOf(aggregate: AggregateModel): string[] {
  return [
    ...new Set([...(aggregate.naturalKey ? [aggregate.naturalKey.field] : []), ...aggregate.unique.flatMap((u) => (u.fields.length === 1 ? u.fields : []))]),
  ];
}

interface Finder {
  domain(name: string): DomainModel;
  aggregate(domain: string, name: string): AggregateModel;
  action(domain: string, name: string): { readonly aggregate: AggregateModel; readonly action: ActionModel };
  view(domain: string, name: string): ViewModel;
}

/** The model's parts by the names a route carries; a route always names parts of the model it was built from. */
function finder(model: Model): Finder {
  const found = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The route table names ${what}, which the model lacks.`);
    return value;
  };
  const domain = (name: string) =>
    found(
      model.domains.find((d) => d.name === name),
      `domain ${name}`,
    );
  return {
    domain,
    aggregate: (d, name) =>
      found(
        domain(d).aggregates.find((a) => a.name === name),
        `aggregate ${d}.${name}`,
      ),
    action: (d, name) => {
      for (const aggregate of domain(d).aggregates) {
        const action = aggregate.actions.find((x) => x.name === name);
        if (action) return { aggregate, action };
      }
      throw new Error(`The route table names action ${d}:${name}, which the model lacks.`);
    },
    view: (d, name) =>
      found(
        domain(d).views.find((v) => v.name === name),
        `view ${d}.${name}`,
      ),
  };
}

function addAggregateSchemas(domain: DomainModel, aggregate: AggregateModel, schemas: Record<string, Json>): void {
  const state = objectSchema(aggregate.state);
  schemas[componentNames.item(domain.name, aggregate.name)] = {
    type: "object",
    description: aggregate.description ?? humanise(aggregate.name),
    properties: {
      _id: { type: "string", format: "uuid" },
      _version: { type: "integer", minimum: 1 },
      _created: { type: "string", format: "date-time" },
      _updated: { type: "string", format: "date-time" },
      _creator: { type: ["string", "null"], description: "Actor id of the stream's first event; null when it had no actor." },
      _updater: { type: ["string", "null"], description: "Actor id of the stream's latest event; null when it had no actor." },
      ...(state.properties as Record<string, Json>),
    },
    required: ["_id", "_version", "_created", "_updated", "_creator", "_updater"],
  };
  for (const action of aggregate.actions) schemas[componentNames.payload(domain.name, action.name)] = objectSchema(action.payload);
}

const ID_PARAMETER: Json = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };

/** The operation of one route of the table. */
function operationOf(route: ApiRoute, find: Finder): Json {
  switch (route.kind) {
    case "app-meta":
      return metaOperation("Name and version of the API, the version of fluvius, build number and time");
    case "auth-info":
      return {
        tags: ["meta"],
        summary: "The caller: user, profile, organization, realm, roles",
        responses: { "200": { description: "OK" }, ...errors("auth-info") },
      };
    case "live-sse":
    case "live-ws":
      return liveOperation(route.kind);
    case "domain-meta":
      return metaOperation(`The commands of ${route.domain}, each with its payload schema and URLs`);
    case "command": {
      const domain = find.domain(route.domain);
      const { aggregate, action } = find.action(route.domain, route.action);
      const itemName = componentNames.item(domain.name, aggregate.name);
      return commandOperation(
        domain,
        aggregate,
        action,
        componentNames.payload(domain.name, action.name),
        itemName,
        [domain.name],
        action.creates ? [] : [ID_PARAMETER],
      );
    }
    case "action-meta":
      return metaOperation(
        route.dotted ? `The same as /_meta/${route.domain}:${route.action}/` : `The payload schema and URLs of ${route.domain}:${route.action}`,
      );
    case "resource-meta":
      return metaOperation(`Fields, filters and sorting of ${componentNames.item(route.domain, route.aggregate)}`);
    case "view-meta":
      return metaOperation(`Fields, filters and sorting of ${componentNames.item(route.domain, route.view)}`);
    case "list":
    case "item":
    case "get-by":
    case "history":
      return aggregateOperation(route, find.aggregate(route.domain, route.aggregate));
    case "view-list":
    case "view-row":
      return viewOperation(route, find.view(route.domain, route.view));
  }
}

function aggregateOperation(route: Extract<ApiRoute, { kind: "list" | "item" | "get-by" | "history" }>, aggregate: AggregateModel): Json {
  const itemName = componentNames.item(route.domain, aggregate.name);
  const tags = [route.domain];
  const title = humanise(aggregate.name).toLowerCase();
  switch (route.kind) {
    case "list":
      return {
        tags,
        operationId: `list.${itemName}`,
        summary: `List ${title}s`,
        description:
          "Filter with `query` (the Fluvius filter language), sort with `sort=f.asc,g.desc`, page with `limit` and `page`, search with `text`, choose the rows' fields with `include` / `exclude`. `pagination.pages` is `ceil(total / limit)`; the count stops 10,000 rows past the page, and then `pagination.capped` is true (`total` is a lower bound).",
        parameters: listParameters(aggregate),
        responses: {
          "200": {
            description: "A page of rows",
            ...json({ type: "object", properties: { data: { type: "array", items: ref(itemName) }, pagination: ref("Pagination") } }),
          },
          ...errors("list"),
        },
      };
    case "item":
      return {
        tags,
        operationId: `get.${itemName}`,
        summary: `One ${title}, now or as it was`,
        parameters: [
          ID_PARAMETER,
          { name: "version", in: "query", schema: { type: "integer", minimum: 1 }, description: "Time travel: the state after this version." },
          { name: "at", in: "query", schema: { type: "string", format: "date-time" }, description: "Time travel: the state at this time." },
        ],
        responses: { "200": { description: "The row", ...json(ref(itemName)) }, ...errors("item") },
      };
    case "get-by":
      return {
        tags,
        operationId: `getBy.${itemName}`,
        summary: `One ${title} found by ${route.fields.join(" or ")}`,
        parameters: [
          { name: "field", in: "path", required: true, schema: { enum: route.fields }, description: "The natural key (`id: { from }`) or a unique field." },
          { name: "value", in: "path", required: true, schema: { type: "string" }, description: "The value, as text." },
        ],
        responses: { "200": { description: "The row", ...json(ref(itemName)) }, ...errors("item") },
      };
    case "history":
      return {
        tags,
        operationId: `history.${itemName}`,
        summary: `The event log of one ${title}: who, when, which command`,
        parameters: [
          ID_PARAMETER,
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 }, description: "Events per page." },
          { name: "page", in: "query", schema: { type: "integer", minimum: 1, default: 1 }, description: "Page number, from 1." },
          { name: "afterVersion", in: "query", schema: { type: "integer", minimum: 0 }, description: "Instead of `page`: the events after this version." },
        ],
        responses: { "200": { description: "Events, oldest first, and `pagination` with the stream's `total`" }, ...errors("history") },
      };
  }
}

/** A view's key parts with their schemas (docs/views.md). */
function keyPartsOf(view: ViewModel): { readonly name: string; readonly schema: Json }[] {
  return view.key.map((part) => {
    const schema: Json =
      part.bucket === undefined
        ? ((objectSchema([{ name: part.name, type: part.type, optional: false, hasDefault: false, pii: false }]).properties as Record<string, Json>)[
            part.name
          ] ?? {})
        : part.bucket === "hour"
          ? { type: "string", format: "date-time" }
          : { type: "string", format: "date" };
    return { name: part.name, schema: { ...schema, description: part.bucket === undefined ? "Key part." : `Key: the ${part.bucket} (UTC).` } };
  });
}

/** A view's row: its key parts, `_version`, `_updated` and its fields. */
function viewSchema(view: ViewModel): Json {
  const fields = objectSchema(view.fields);
  const keyParts = keyPartsOf(view);
  return {
    type: "object",
    description: view.description ?? humanise(view.name),
    properties: {
      ...Object.fromEntries(keyParts.map((k) => [k.name, k.schema])),
      _version: { type: "integer", minimum: 1, description: "How many events changed the row." },
      _updated: { type: "string", format: "date-time", description: "When the latest of them was recorded." },
      ...(fields.properties as Record<string, Json>),
    },
    required: [...keyParts.map((k) => k.name), "_version", "_updated"],
  };
}

function viewOperation(route: Extract<ApiRoute, { kind: "view-list" | "view-row" }>, view: ViewModel): Json {
  const itemName = componentNames.item(route.domain, view.name);
  const tags = [route.domain];
  if (route.kind === "view-row") {
    return {
      tags,
      operationId: `row.${itemName}`,
      summary: `One row of ${humanise(view.name).toLowerCase()}, by its key`,
      parameters: keyPartsOf(view).map((k) => ({ name: k.name, in: "path", required: true, schema: k.schema })),
      responses: { "200": { description: "The row", ...json(ref(itemName)) }, ...errors("item") },
    };
  }
  return {
    tags,
    operationId: `rows.${itemName}`,
    summary: `List ${humanise(view.name).toLowerCase()} (a view)`,
    description:
      "Filter with `query` (the Fluvius filter language on the key parts, `_version`, `_updated` and the fields), sort with `sort=f.asc,g.desc` (default: newest `_updated` first), page with `limit` and `page`, choose the rows' fields with `include` / `exclude`.",
    parameters: [
      { name: "query", in: "query", schema: { type: "string" }, description: 'A JSON filter, e.g. {"field.gte": 1}.' },
      { name: "sort", in: "query", schema: { type: "string" } },
      { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 25 } },
      { name: "page", in: "query", schema: { type: "integer", minimum: 1, default: 1 } },
      { name: "include", in: "query", schema: { type: "string" }, description: "Comma-separated fields to return (the key parts always)." },
      { name: "exclude", in: "query", schema: { type: "string" }, description: "Comma-separated fields to leave out." },
    ],
    responses: {
      "200": {
        description: "A page of rows",
        ...json({ type: "object", properties: { data: { type: "array", items: ref(itemName) }, pagination: ref("Pagination") } }),
      },
      ...errors("list"),
    },
  };
}

/** Idempotency-Key and X-Correlation-Id: 1 to 255 printable ASCII characters (packages/runtime/src/http/routes/commands.ts). */
const KEY: Json = { type: "string", minLength: 1, maxLength: MAX_KEY_LENGTH, pattern: "^[\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?$" };

/** The headers every command takes, shared by reference. */
const COMMAND_HEADERS = {
  parameters: {
    "Idempotency-Key": {
      name: "Idempotency-Key",
      in: "header",
      schema: KEY,
      description: "A retry with the same key returns the first outcome and appends nothing (kept per tenant); the reply echoes it.",
    },
    "X-Correlation-Id": {
      name: "X-Correlation-Id",
      in: "header",
      schema: KEY,
      description: "Recorded on the events the command appends (`correlationId` in `_events`); the commands reactions issue for them carry it on.",
    },
  },
  headers: { "Idempotency-Key": { description: "The request's Idempotency-Key, when it had one.", schema: KEY } },
};

function commandOperation(
  domain: DomainModel,
  aggregate: AggregateModel,
  action: ActionModel,
  payloadName: string,
  itemName: string,
  tags: string[],
  parameters: Json[],
): Json {
  return {
    tags,
    operationId: `${domain.name}:${action.name}`,
    summary: action.description ?? `${humanise(action.name)} (${aggregate.name})`,
    description: `Emits ${action.emits.join(", ")}.${action.when.length > 0 ? ` Requires ${action.when.map((w) => `${w.field} ∈ {${w.values.join(", ")}}`).join(" and ")}.` : ""}`,
    parameters: [
      ...parameters,
      ...(action.creates
        ? [{ name: "identifier", in: "query", schema: { type: "string", format: "uuid" }, description: "Choose the new resource's id." }]
        : []),
      ...(action.creates
        ? []
        : [{ name: "If-Match", in: "header", schema: { type: "string" }, description: "The version the command expects; otherwise 412." }]),
      { $ref: "#/components/parameters/Idempotency-Key" },
      { $ref: "#/components/parameters/X-Correlation-Id" },
    ],
    requestBody: { required: true, ...json(ref(payloadName)) },
    responses: {
      "200": {
        description: "Done: the resource after the command",
        headers: { "Idempotency-Key": { $ref: "#/components/headers/Idempotency-Key" } },
        ...json({ type: "object", properties: { status: { const: "OK" }, data: { type: "object", properties: { [aggregate.name]: ref(itemName) } } } }),
      },
      ...errors(action.creates ? "create" : "command"),
    },
  };
}

const LIVE_PARAMETERS: Json[] = [
  {
    name: "channels",
    in: "query",
    description: "Comma-separated channels: `<domain>.<aggregate>` (its list), `<domain>.<aggregate>/<id>` (one item), `<domain>.<view>` (a view's rows).",
    schema: { type: "string" },
  },
  {
    name: "since",
    in: "query",
    description: "Resume after this position (a message's `position`, an event's `id`): nothing after it is missed.",
    schema: { type: "string", pattern: "^[0-9]+-[0-9]+$" },
  },
];

/** The live routes (docs/http.md, "Live updates"): a stream, not a JSON reply. */
function liveOperation(kind: "live-sse" | "live-ws"): Json {
  const message =
    'Each change is `{channel, message}`; `message` is `{type: "changed", resource, id, version, event, position, data}` with `data` the item as its GET returns it (or `{type: "view-changed", resource, event, position}` for a view).';
  if (kind === "live-sse") {
    return {
      tags: ["meta"],
      summary: "Live updates as server-sent events",
      description: `${message} The event id is the position; EventSource resumes by itself with Last-Event-ID.`,
      parameters: [
        ...LIVE_PARAMETERS,
        {
          name: "Last-Event-ID",
          in: "header",
          description: "Resume after this position (sent by EventSource when it reconnects; wins over `since`).",
          schema: { type: "string" },
        },
      ],
      responses: { "200": { description: "The event stream.", content: { "text/event-stream": { schema: { type: "string" } } } }, ...errors("live") },
    };
  }
  return {
    tags: ["meta"],
    summary: "Live updates over a WebSocket",
    description: `Upgrade to a WebSocket; send \`{type: "subscribe" | "unsubscribe", channel}\`. ${message} A cookie-authenticated upgrade must come from this server's origin.`,
    parameters: LIVE_PARAMETERS,
    responses: {
      "101": { description: "Switched to the WebSocket protocol." },
      "426": { description: "A plain GET: this route speaks WebSocket." },
      ...errors("live"),
    },
  };
}
