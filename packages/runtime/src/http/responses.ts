/**
 * Every error status the API answers, which operations answer it, and the errcodes it carries
 * with the shape of their `errdata`. The OpenAPI document is written from this table, so a new
 * status is one entry here (and its `on` says where it applies). Plain data: no Fastify.
 */
export type JsonSchema = { readonly [key: string]: unknown };

/** The kinds of operation of the route table (server.ts registers them; document.ts describes them). */
export type OperationKind = "meta" | "auth-info" | "list" | "item" | "history" | "command" | "create" | "live";

export interface ErrorCodeDoc {
  /** The errcode; undefined for one named by the handler (a business rule). */
  readonly errcode?: string;
  readonly description: string;
  readonly errdata: JsonSchema;
}

export interface ErrorStatusDoc {
  readonly status: number;
  readonly description: string;
  readonly on: readonly OperationKind[];
  readonly errors: readonly ErrorCodeDoc[];
  /** Response headers, as OpenAPI header objects. */
  readonly headers?: Readonly<Record<string, JsonSchema>>;
}

const string = { type: "string" } as const;
const object = (properties: Record<string, JsonSchema>, required: readonly string[] = Object.keys(properties), extra = false): JsonSchema => ({
  type: "object",
  properties,
  required,
  additionalProperties: extra,
});
const empty = object({});
const errorId = { type: "string", format: "uuid", description: "The id of the line the server wrote to its log (stderr) for this error." } as const;

const READS: readonly OperationKind[] = ["list", "item", "history", "live"];
const COMMANDS: readonly OperationKind[] = ["command", "create"];
/** Operations that read or write the database. */
const DATA: readonly OperationKind[] = [...READS, ...COMMANDS];
const AUTHENTICATED: readonly OperationKind[] = [...DATA, "auth-info"];
const EVERY: readonly OperationKind[] = [...AUTHENTICATED, "meta"];

/** Seconds a client should wait before retrying while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 2;

export const ERROR_STATUSES: readonly ErrorStatusDoc[] = [
  {
    status: 400,
    description: "The request cannot be read: a bad query parameter, header, id or JSON body.",
    on: DATA,
    errors: [
      { errcode: "invalid-query", description: "An unknown field or operator, a malformed value, `version` with `at`.", errdata: object({}, [], true) },
      { errcode: "invalid-header", description: "A header the API cannot read, e.g. an If-Match that is not a version.", errdata: object({ header: string }) },
      { errcode: "invalid-json", description: "The body is not valid JSON.", errdata: empty },
      { errcode: "invalid-argument", description: "An id that is not a UUID, or another malformed argument.", errdata: empty },
      {
        errcode: "invalid-value",
        description: "A value the database cannot read or hold (the safety net under the checks above).",
        errdata: object({ sqlstate: string }),
      },
      { errcode: "bad-request", description: "Any other request the server refuses to read, e.g. a malformed percent-encoding.", errdata: empty },
      {
        errcode: "unknown-channel",
        description: "Live updates: a channel that names no aggregate, item or view (or none given).",
        errdata: object({ channel: string }, [], true),
      },
      {
        errcode: "invalid-position",
        description: "Live updates: a resume position (`since`, `Last-Event-ID`) the server never sent.",
        errdata: object({ since: string }, [], true),
      },
      {
        errcode: "too-many-channels",
        description: "Live updates: more channels than one client may hold.",
        errdata: object({ max: { type: "integer" } }, [], true),
      },
    ],
  },
  {
    status: 401,
    description: "No token, or an invalid or expired one.",
    on: AUTHENTICATED,
    errors: [{ errcode: "unauthorized", description: "No token, or one that does not verify or lacks an id or a tenant.", errdata: empty }],
  },
  {
    status: 403,
    description: "The policy does not allow it.",
    on: DATA,
    errors: [
      { errcode: "forbidden", description: "The permission the policy denies.", errdata: object({ permission: string }) },
      {
        errcode: "actor-id-not-uuid",
        description: "The command records the caller's id in a uuid field, and the token's subject is not a UUID (commands only).",
        errdata: object({ field: string, actorId: string }),
      },
    ],
  },
  {
    status: 404,
    description: "No such resource (also for another tenant's).",
    on: ["item", "history", "command"],
    errors: [{ errcode: "not-found", description: "The id has no stream in the caller's tenant.", errdata: object({ id: string }) }],
  },
  {
    status: 409,
    description: "A `when` precondition, a business rule or a unique constraint rejected the command (`errcode` names it), or the stream moved on.",
    on: COMMANDS,
    errors: [
      {
        errcode: "precondition-failed",
        description: "A `when` of the action rejects the current state.",
        errdata: object({ action: string, message: string, field: string, expected: { type: "array" }, actual: {} }, ["action", "message"]),
      },
      {
        description: "A business rule of the handler; `errcode` is the rule's name (e.g. insufficient-funds).",
        errdata: object({ rule: string }, ["rule"], true),
      },
      {
        errcode: "stream-exists",
        description: "A creating action on an id that already has a stream (with a natural key: a second create with the same value).",
        errdata: object({ streamId: string }),
      },
      {
        errcode: "unique-violation",
        description: "The command would give a unique field (or field set) a value another stream of the tenant holds; `existingId` is that stream.",
        errdata: object({ fields: { type: "array", items: string }, values: { type: "object" }, existingId: { type: "string", format: "uuid" } }),
      },
      {
        errcode: "version-conflict",
        description: "Concurrent commands kept changing the stream; retrying did not resolve it.",
        errdata: object({ streamId: string, expected: { type: ["integer", "string"] }, actual: { type: ["integer", "null"] } }),
      },
    ],
  },
  {
    status: 412,
    description: "If-Match does not match the resource's version.",
    on: ["command"],
    errors: [
      {
        errcode: "version-conflict",
        description: "The stream is at another version than If-Match says.",
        errdata: object({ streamId: string, expected: { type: ["integer", "string"] }, actual: { type: ["integer", "null"] } }),
      },
    ],
  },
  {
    status: 413,
    description: "The body is larger than 1 MiB.",
    on: COMMANDS,
    errors: [{ errcode: "bad-request", description: "The body is too large.", errdata: empty }],
  },
  {
    status: 414,
    description: "A path segment (e.g. an id) is longer than the router's 100 characters.",
    on: EVERY,
    errors: [{ errcode: "uri-too-long", description: "The URL is too long.", errdata: empty }],
  },
  {
    status: 415,
    description: "The body is of a type the API does not read (neither JSON nor text).",
    on: COMMANDS,
    errors: [{ errcode: "bad-request", description: "Unsupported content type.", errdata: empty }],
  },
  {
    status: 422,
    description: "The payload is invalid (also: a checked ref names nothing), or an Idempotency-Key was reused with another request.",
    on: COMMANDS,
    errors: [
      {
        errcode: "invalid-payload",
        description: 'The payload does not fit the action\'s schema; `fields` lists each problem by dotted path ("" for the payload itself).',
        errdata: object({ action: string, fields: { type: "array", items: object({ path: string, message: string, keyword: string }) } }),
      },
      { errcode: "idempotency-key-reused", description: "The Idempotency-Key was first used with another request.", errdata: object({ commandId: string }) },
      {
        errcode: "reference-not-found",
        description: "A `checked` ref of the payload names no stream of its aggregate in the caller's tenant (`field` is dotted for an array element).",
        errdata: object({ field: string, aggregate: string, id: string }),
      },
    ],
  },
  {
    status: 431,
    description: "The request's headers are larger than 16 KiB.",
    on: EVERY,
    errors: [{ errcode: "headers-too-large", description: "The headers are too large.", errdata: empty }],
  },
  {
    status: 500,
    description: "An internal error (a bug). The server logged it on stderr with `errdata.errorId`.",
    on: EVERY,
    errors: [
      { errcode: "internal-error", description: "An unexpected failure.", errdata: object({ errorId }) },
      { errcode: "event-schema", description: "A stored event the code cannot read (unknown type, missing upcaster).", errdata: object({ errorId }) },
      { errcode: "invalid-event", description: "A handler returned an event that does not fit its definition.", errdata: object({ errorId }) },
    ],
  },
  {
    status: 501,
    description: "The action's hand-written handler is still the generated stub.",
    on: COMMANDS,
    errors: [
      {
        errcode: "handler-not-implemented",
        description: "`errmesg` names the function to write and its file.",
        errdata: object({ handler: string, file: string, errorId }),
      },
    ],
  },
  {
    status: 503,
    description: "The database is unreachable; retry after `Retry-After` seconds. The server reconnects by itself.",
    on: DATA,
    errors: [
      { errcode: "database-unavailable", description: "The database cannot be reached.", errdata: object({ errorId }) },
      { errcode: "too-many-clients", description: "Live updates: the server has as many live clients as it takes.", errdata: empty },
    ],
    headers: { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } } },
  },
];

/** The error statuses an operation of the kind can answer, in order. */
export function errorStatusesOf(kind: OperationKind): number[] {
  return ERROR_STATUSES.filter((s) => s.on.includes(kind)).map((s) => s.status);
}
