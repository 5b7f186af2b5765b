import type { ActionModel, AggregateModel, DomainModel, Model } from "../../model/model.js";
import { humanise } from "../../model/naming.js";
import { type JsonSchemaObject, objectSchema } from "../typescript/json-schema.js";

type Json = JsonSchemaObject;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ content: { "application/json": { schema } } });

/** The error shape of every failure (DESIGN §4). */
const ERROR_RESPONSES: Record<string, string> = {
  "400": "The query is invalid (unknown field or operator, malformed value).",
  "401": "No token, or an invalid or expired one.",
  "403": "The policy does not allow it.",
  "404": "No such resource (also for another tenant's).",
  "409": "A `when` precondition or a business rule rejected the command; `errcode` names it.",
  "412": "If-Match does not match the resource's version.",
  "422": "The payload is invalid (`errdata` lists the field paths), or an Idempotency-Key was reused with another request.",
};

/** Error responses are shared components: a big API would otherwise repeat them thousands of times. */
function errors(...codes: string[]): Record<string, Json> {
  return Object.fromEntries(codes.map((c) => [c, { $ref: `#/components/responses/Error${c}` }]));
}

function errorResponses(): Record<string, Json> {
  return Object.fromEntries(Object.entries(ERROR_RESPONSES).map(([code, description]) => [`Error${code}`, { description, ...json(ref("Error")) }]));
}

/** The OpenAPI 3.1 document of the whole project, from the model. */
export function openApiDocument(model: Model, basePath: string): Json {
  const schemas: Record<string, Json> = {
    Error: {
      type: "object",
      required: ["errcode", "errmesg", "errdata"],
      properties: { errcode: { type: "string" }, errmesg: { type: "string" }, errdata: { type: "object" } },
    },
    Pagination: {
      type: "object",
      required: ["limit", "offset", "page", "total", "pages"],
      properties: Object.fromEntries(["limit", "offset", "page", "total", "pages"].map((k) => [k, { type: "integer" }])),
    },
  };
  const paths: Record<string, Record<string, Json>> = {
    [`${basePath}/_meta`]: { get: { tags: ["meta"], summary: "Name and version of the API", responses: { "200": { description: "OK" } } } },
    [`${basePath}/auth/info`]: {
      get: { tags: ["meta"], summary: "The caller: user, profile, organization, realm, roles", responses: { "200": { description: "OK" }, ...errors("401") } },
    },
  };
  for (const domain of model.domains) {
    paths[`${basePath}/_meta/${domain.name}/`] = { get: { tags: ["meta"], summary: `The commands of ${domain.name}`, responses: { "200": { description: "OK" } } } };
    for (const aggregate of domain.aggregates) addAggregate(domain, aggregate, basePath, paths, schemas);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: model.domains.map((d) => d.name).join(", ") || "fluvius API",
      version: model.domains.map((d) => `${d.name} r${d.revision}`).join(", ") || "0",
      description: model.domains.map((d) => d.description).filter(Boolean).join("\n\n"),
    },
    tags: [...model.domains.map((d) => ({ name: d.name, ...(d.description ? { description: d.description } : {}) })), { name: "meta" }],
    security: [{ bearer: [] }],
    paths,
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } }, schemas, responses: errorResponses() },
  };
}

function addAggregate(domain: DomainModel, aggregate: AggregateModel, basePath: string, paths: Record<string, Record<string, Json>>, schemas: Record<string, Json>): void {
  const itemName = `${domain.name}.${aggregate.name}`;
  const state = objectSchema(aggregate.state);
  schemas[itemName] = {
    type: "object",
    description: aggregate.description ?? humanise(aggregate.name),
    properties: {
      _id: { type: "string", format: "uuid" },
      _version: { type: "integer", minimum: 1 },
      _created: { type: "string", format: "date-time" },
      _updated: { type: "string", format: "date-time" },
      ...(state.properties as Record<string, Json>),
    },
    required: ["_id", "_version", "_created", "_updated"],
  };
  const tags = [domain.name];
  const idParameter = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
  for (const action of aggregate.actions) {
    const payloadName = `${domain.name}:${action.name}`;
    schemas[payloadName] = objectSchema(action.payload);
    const path = action.creates ? `${basePath}/${domain.name}:${action.name}/${aggregate.name}/:new` : `${basePath}/${domain.name}:${action.name}/${aggregate.name}/{id}`;
    paths[path] = { post: commandOperation(domain, aggregate, action, payloadName, itemName, tags, action.creates ? [] : [idParameter]) };
    paths[`${basePath}/_meta/${domain.name}:${action.name}/`] = {
      get: { tags: ["meta"], summary: `The payload schema and URLs of ${domain.name}:${action.name}`, responses: { "200": { description: "OK" } } },
    };
  }
  const resource = `${basePath}/${domain.name}.${aggregate.name}`;
  paths[`${resource}/`] = {
    get: {
      tags,
      operationId: `list.${itemName}`,
      summary: `List ${humanise(aggregate.name).toLowerCase()}s`,
      description: "Filter with `query` (the Fluvius filter language: `field`, `field.op`, `field!op`, `.and`/`.or`/`!and`/`!or`), sort with `sort=f.asc,g.desc`, page with `limit` and `page`, search with `text`.",
      parameters: [
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 25 } },
        { name: "page", in: "query", schema: { type: "integer", minimum: 1, default: 1 } },
        { name: "sort", in: "query", schema: { type: "string" }, example: "_created.desc" },
        { name: "query", in: "query", schema: { type: "string" }, description: "A JSON filter object." },
        { name: "text", in: "query", schema: { type: "string" } },
      ],
      responses: {
        "200": { description: "A page of rows", ...json({ type: "object", properties: { data: { type: "array", items: ref(itemName) }, pagination: ref("Pagination") } }) },
        ...errors("400", "401", "403"),
      },
    },
  };
  paths[`${resource}/{id}`] = {
    get: {
      tags,
      operationId: `get.${itemName}`,
      summary: `One ${humanise(aggregate.name).toLowerCase()}, now or as it was`,
      parameters: [
        idParameter,
        { name: "version", in: "query", schema: { type: "integer", minimum: 1 }, description: "Time travel: the state after this version." },
        { name: "at", in: "query", schema: { type: "string", format: "date-time" }, description: "Time travel: the state at this time." },
      ],
      responses: { "200": { description: "The row", ...json(ref(itemName)) }, ...errors("400", "401", "403", "404") },
    },
  };
  paths[`${resource}/{id}/_events`] = {
    get: {
      tags,
      operationId: `history.${itemName}`,
      summary: `The event log of one ${humanise(aggregate.name).toLowerCase()}: who, when, which command`,
      parameters: [
        idParameter,
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 }, description: "Events per page." },
        { name: "page", in: "query", schema: { type: "integer", minimum: 1, default: 1 }, description: "Page number, from 1." },
        { name: "afterVersion", in: "query", schema: { type: "integer", minimum: 0 }, description: "Instead of `page`: the events after this version." },
      ],
      responses: { "200": { description: "Events, oldest first, and `pagination` with the stream's `total`" }, ...errors("400", "401", "403", "404") },
    },
  };
  paths[`${basePath}/_meta/${domain.name}.${aggregate.name}/`] = {
    get: { tags: ["meta"], summary: `Fields, filters and sorting of ${itemName}`, responses: { "200": { description: "OK" } } },
  };
}

function commandOperation(domain: DomainModel, aggregate: AggregateModel, action: ActionModel, payloadName: string, itemName: string, tags: string[], parameters: Json[]): Json {
  return {
    tags,
    operationId: `${domain.name}:${action.name}`,
    summary: action.description ?? `${humanise(action.name)} (${aggregate.name})`,
    description: `Emits ${action.emits.join(", ")}.${action.when.length > 0 ? ` Requires ${action.when.map((w) => `${w.field} ∈ {${w.values.join(", ")}}`).join(" and ")}.` : ""}`,
    parameters: [
      ...parameters,
      ...(action.creates ? [{ name: "identifier", in: "query", schema: { type: "string", format: "uuid" }, description: "Choose the new resource's id." }] : []),
      ...(action.creates ? [] : [{ name: "If-Match", in: "header", schema: { type: "string" }, description: "The version the command expects; otherwise 412." }]),
      { name: "Idempotency-Key", in: "header", schema: { type: "string", maxLength: 200 }, description: "A retry with the same key returns the first outcome." },
    ],
    requestBody: { required: true, ...json(ref(payloadName)) },
    responses: {
      "200": {
        description: "Done: the resource after the command",
        ...json({ type: "object", properties: { status: { const: "OK" }, data: { type: "object", properties: { [aggregate.name]: ref(itemName) } } } }),
      },
      ...errors("401", "403", ...(action.creates ? [] : ["404"]), "409", ...(action.creates ? [] : ["412"]), "422"),
    },
  };
}
