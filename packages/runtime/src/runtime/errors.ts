import type { LockHolder } from "./db/embedded-lock.js";

/**
 * Expected failures of the runtime. Each class has a stable `code` (never renamed) and an
 * HTTP status the API layer answers with; `toWireError` maps any of them to the wire shape.
 * Unexpected failures (bugs, a lost database) stay plain `Error`s.
 */
export abstract class FluviusError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Structured detail for the `errdata` of an HTTP error. */
  get details(): Record<string, unknown> {
    return {};
  }
}

export type ExpectedVersion = number | "no-stream" | "any";

/** The stream moved on: a caller's `If-Match` (412) or, after bounded retries, a hot stream (409). */
export class VersionConflictError extends FluviusError {
  readonly code = "version-conflict";
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | undefined,
    /** true when the caller asked for the expected version (If-Match). */
    readonly callerExpected: boolean,
  ) {
    super(
      actual === undefined
        ? `Stream ${streamId} was changed concurrently (expected ${String(expected)}).`
        : `Stream ${streamId} is at version ${actual}, not ${String(expected)}.`,
    );
  }
  get status(): number {
    return this.callerExpected ? 412 : 409;
  }
  override get details(): Record<string, unknown> {
    return { streamId: this.streamId, expected: this.expected, actual: this.actual ?? null };
  }
}

/** A `creates` action on an id that already has a stream. */
export class StreamExistsError extends FluviusError {
  readonly code = "stream-exists";
  readonly status = 409;
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} already exists.`);
  }
  override get details(): Record<string, unknown> {
    return { streamId: this.streamId };
  }
}

/**
 * The command's write would give a second stream of the tenant the value of a unique field
 * (or field set) that `existingId` holds. Found by the read-model table's unique index in the
 * command's own write, so concurrent commands cannot both pass.
 */
export class UniqueViolationError extends FluviusError {
  readonly code = "unique-violation";
  readonly status = 409;
  constructor(
    readonly fields: readonly string[],
    readonly values: Readonly<Record<string, unknown>>,
    readonly existingId: string,
  ) {
    super(`${fields.map((f) => `${f} ${JSON.stringify(values[f])}`).join(", ")} ${fields.length > 1 ? "are" : "is"} already taken by stream ${existingId}.`);
  }
  override get details(): Record<string, unknown> {
    return { fields: this.fields, values: this.values, existingId: this.existingId };
  }
}

/** A `checked` ref of the payload names no stream of its aggregate in the caller's tenant. */
export class ReferenceNotFoundError extends FluviusError {
  readonly code = "reference-not-found";
  readonly status = 422;
  constructor(
    /** The payload field; "lines.2" for an element of an array of refs. */
    readonly field: string,
    readonly aggregate: string,
    readonly id: string,
  ) {
    super(`'${field}' refers to ${aggregate} ${id}, which does not exist.`);
  }
  override get details(): Record<string, unknown> {
    return { field: this.field, aggregate: this.aggregate, id: this.id };
  }
}

/** Unknown id, or another tenant's id: the two are indistinguishable on purpose. */
export class NotFoundError extends FluviusError {
  readonly code = "not-found";
  readonly status = 404;
  constructor(readonly streamId: string) {
    super(`No stream ${streamId}.`);
  }
  override get details(): Record<string, unknown> {
    return { id: this.streamId };
  }
}

export class ForbiddenError extends FluviusError {
  readonly code = "forbidden";
  readonly status = 403;
  constructor(readonly permission: string) {
    super(`Not allowed: ${permission}.`);
  }
  override get details(): Record<string, unknown> {
    return { permission: this.permission };
  }
}

/**
 * The command would record the actor's id in a uuid field, but the token's subject is not a
 * UUID (as with many identity providers): refused before anything is written.
 */
export class ActorIdNotUuidError extends FluviusError {
  readonly code = "actor-id-not-uuid";
  readonly status = 403;
  constructor(
    readonly field: string,
    readonly actorId: string,
  ) {
    super(
      `This command records your id in '${field}', a uuid field, but your id '${actorId}' is not a UUID. Set auth.idClaim in fluvius.yaml to a claim that holds a UUID, or declare the field as a string.`,
    );
  }
  override get details(): Record<string, unknown> {
    return { field: this.field, actorId: this.actorId };
  }
}

export interface PreconditionFailure {
  readonly message: string;
  readonly field?: string;
  readonly expected?: readonly unknown[];
  readonly actual?: unknown;
}

/** An action's `when` rejects the current state. */
export class PreconditionFailedError extends FluviusError {
  readonly code = "precondition-failed";
  readonly status = 409;
  constructor(
    readonly action: string,
    readonly failure: PreconditionFailure,
  ) {
    super(failure.message);
  }
  override get details(): Record<string, unknown> {
    return { action: this.action, ...this.failure };
  }
}

/** Thrown by hand-written handlers: `throw new BusinessRuleError("insufficient-funds", "…")`. */
export class BusinessRuleError extends FluviusError {
  readonly code = "business-rule";
  readonly status = 409;
  constructor(
    /** Kebab-case name of the rule; the HTTP `errcode`. */
    readonly rule: string,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
  override get details(): Record<string, unknown> {
    return { rule: this.rule, ...this.data };
  }
}

export interface PayloadIssue {
  /** Dotted path of the field ("amount", "address.city", "tags.0"); "" for the payload itself. */
  readonly path: string;
  readonly message: string;
  readonly keyword: string;
}

export class InvalidPayloadError extends FluviusError {
  readonly code = "invalid-payload";
  readonly status = 422;
  constructor(
    readonly action: string,
    readonly issues: readonly PayloadIssue[],
  ) {
    super(`Invalid payload for ${action}: ${issues.map((i) => `${i.path || "(payload)"} ${i.message}`).join("; ")}.`);
  }
  override get details(): Record<string, unknown> {
    return { action: this.action, fields: this.issues };
  }
}

/** The same idempotency key (command id) with another request. */
export class IdempotencyKeyReusedError extends FluviusError {
  readonly code = "idempotency-key-reused";
  readonly status = 422;
  constructor(readonly commandId: string) {
    super(`Command id ${commandId} was already used for a different request.`);
  }
  override get details(): Record<string, unknown> {
    return { commandId: this.commandId };
  }
}

export class UnknownActionError extends FluviusError {
  readonly code = "unknown-action";
  readonly status = 404;
  constructor(readonly action: string) {
    super(`Unknown action ${action}.`);
  }
}

/** A malformed argument from the caller: an empty tenant, a stream id that is not a UUID, a negative version. */
export class InvalidArgumentError extends FluviusError {
  readonly code = "invalid-argument";
  readonly status = 400;
  constructor(message: string) {
    super(message);
  }
}

/** An event with the id of one already stored (the event log never holds an event twice). */
export class DuplicateEventError extends FluviusError {
  readonly code = "duplicate-event";
  readonly status = 409;
  constructor(readonly eventIds: readonly string[]) {
    super(`An event with id ${eventIds.join(", ")} is already stored.`);
  }
}

/** A stored event the code cannot read: unknown type, a missing upcaster, a version from newer code. */
export class EventSchemaError extends FluviusError {
  readonly code = "event-schema";
  readonly status = 500;
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    message: string,
  ) {
    super(message);
  }
}

/** A handler returned an event that does not fit its definition (a bug in the handler). */
export class InvalidEventError extends FluviusError {
  readonly code = "invalid-event";
  readonly status = 500;
  constructor(message: string) {
    super(message);
  }
}

/**
 * The embedded database (a PGlite folder) is open in another process, or already in this
 * one: a second writer would corrupt it, so the second opener is refused, never let in.
 */
export class EmbeddedDatabaseLockedError extends FluviusError {
  readonly code = "embedded-database-locked";
  readonly status = 503;
  readonly hint =
    "Stop that process (fluvius serve, a migrate, a script with openStore) or talk to it instead of opening the folder; several processes need a PostgreSQL server (url: postgres://…). If no such process is running any more, delete the lock file.";
  constructor(
    readonly path: string,
    readonly lockPath: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      `The embedded database ${path} is in use by ${
        holder ? `\`${holder.command}\` (pid ${holder.pid} on host ${holder.hostname}, since ${holder.since})` : "another process"
      }; lock file ${lockPath}.`,
    );
  }
  override get details(): Record<string, unknown> {
    return { path: this.path, lockPath: this.lockPath, holder: this.holder ?? null, hint: this.hint };
  }
}

/**
 * An embedded database was asked for (memory://, a folder, the default) where PGlite is not
 * installed: it is an optional peer dependency of the runtime, so a production install on
 * PostgreSQL goes without it.
 */
export class EmbeddedDatabaseUnavailableError extends FluviusError {
  readonly code = "embedded-database-unavailable";
  readonly status = 503;
  readonly hint = "Install it (npm install @electric-sql/pglite), or give a PostgreSQL URL (postgres://…).";
  constructor(cause: unknown) {
    super("The embedded database needs the package @electric-sql/pglite, which is not installed.", { cause });
  }
  override get details(): Record<string, unknown> {
    return { hint: this.hint };
  }
}

/**
 * Thrown by a generated handler stub that nobody has written yet (501): the command cannot be
 * decided until the named function in the named file is written.
 */
export class HandlerNotImplementedError extends FluviusError {
  readonly code = "handler-not-implemented";
  readonly status = 501;
  constructor(
    /** The exported function to write, e.g. handleAddLine. */
    readonly handler: string,
    /** The hand-written module it is in, relative to the project, e.g. src/domain/shop/order.ts. */
    readonly file: string,
  ) {
    // Handlers, evolve steps, upcasters, projectors and reactors: every generated stub throws this.
    super(`${handler} in ${file} is a generated stub, not written yet: write it, then restart the server.`);
  }
  override get details(): Record<string, unknown> {
    return { handler: this.handler, file: this.file };
  }
}

/**
 * The database cannot be reached (503; the HTTP layer adds Retry-After). The driver's error is
 * the `cause`: it names hosts and ports, which belong in the server's log, not in replies.
 */
export class DatabaseUnavailableError extends FluviusError {
  readonly code = "database-unavailable";
  readonly status = 503;
  constructor(cause: unknown) {
    super("The database cannot be reached; retry shortly.", { cause });
  }
}

/** Why a delivery outside failed; `details` of DeliveryFailedError carry it. */
export type DeliveryFailure =
  /** The receiver answered, but not with 2xx. */
  | { readonly kind: "http-status"; readonly httpStatus: number }
  /** No answer within the integration's timeout. */
  | { readonly kind: "timeout"; readonly timeoutMs: number }
  /** The request did not get through (refused, reset, DNS). */
  | { readonly kind: "network"; readonly cause: string }
  /** The broker did not acknowledge the message. */
  | { readonly kind: "publish"; readonly cause: string };

/**
 * A webhook or broker delivery did not go through (502). Thrown by the Delivers of
 * src/runtime/integrations; the reactor runner retries it with backoff and parks it at last.
 * The message names the target by its origin (scheme, host, port) only: never the path or
 * query (they can hold a token), the body or a secret.
 */
export class DeliveryFailedError extends FluviusError {
  readonly code = "delivery-failed";
  readonly status = 502;
  constructor(
    /** The receiver's origin (`https://hooks.example.com`) or the broker's server. */
    readonly target: string,
    readonly failure: DeliveryFailure,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
  override get details(): Record<string, unknown> {
    return { target: this.target, ...this.failure };
  }
}

export interface IntegrationProblem {
  /** The integration's name in fluvius.yaml. */
  readonly integration: string;
  /** The environment variable that is missing, when that is the problem. */
  readonly variable?: string;
  readonly message: string;
}

/**
 * fluvius.yaml's `integrations:` cannot be put to work: a `$env.NAME` or `secretEnv` variable
 * that is not set, a URL that is not one, a timeout that is not a duration. Every problem is
 * listed, so one start shows them all.
 */
export class IntegrationConfigError extends FluviusError {
  readonly code = "integration-config";
  readonly status = 500;
  constructor(readonly problems: readonly IntegrationProblem[]) {
    super(problems.map((p) => p.message).join("\n"));
  }
  override get details(): Record<string, unknown> {
    return { problems: this.problems };
  }
}

/** A broker cannot be reached (or lacks JetStream) when the workers start. The URL is named without credentials. */
export class IntegrationUnavailableError extends FluviusError {
  readonly code = "integration-unavailable";
  readonly status = 503;
  constructor(
    /** The server(s), credentials removed. */
    readonly url: string,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
  override get details(): Record<string, unknown> {
    return { url: this.url };
  }
}

/** A reaction names what the project lacks (an aggregate, an integration): no retry can mend it, so it is parked at once. */
export class ReactionSetupError extends FluviusError {
  readonly code = "reaction-setup";
  readonly status = 500;
}

/** A handler looks up a name its domain lacks, or by fields that are no key: a bug in the handler, fixed by changing it. */
export class LookupSetupError extends FluviusError {
  readonly code = "lookup-setup";
  readonly status = 500;
}

export interface WireError {
  readonly status: number;
  readonly body: { readonly errcode: string; readonly errmesg: string; readonly errdata: Record<string, unknown> };
}

/** The HTTP shape of DESIGN §4; a business rule answers with its own name as `errcode`. */
export function toWireError(error: FluviusError): WireError {
  const errcode = error instanceof BusinessRuleError ? error.rule : error.code;
  return { status: error.status, body: { errcode, errmesg: error.message, errdata: error.details } };
}
