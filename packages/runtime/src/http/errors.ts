import { randomUUID } from "node:crypto";
import { FluviusError, toWireError, type WireError } from "../runtime/errors.js";
import { RETRY_AFTER_SECONDS } from "./responses.js";

/** No token, or a token that does not verify (401). */
export class UnauthorizedError extends FluviusError {
  readonly code = "unauthorized";
  readonly status = 401;
}

/** A header the API cannot read, e.g. an If-Match that is not a version (400). */
export class InvalidHeaderError extends FluviusError {
  readonly code = "invalid-header";
  readonly status = 400;
  constructor(
    readonly header: string,
    message: string,
  ) {
    super(message);
  }
  override get details(): Record<string, unknown> {
    return { header: this.header };
  }
}

/**
 * The error of a request as the wire shows it. Runtime errors are recognised by shape as
 * well as by class: a project's handlers may load their own copy of the runtime.
 */
export function wireErrorOf(error: unknown): WireError | undefined {
  if (error instanceof FluviusError) return toWireError(error);
  const e = error as (Partial<FluviusError> & { rule?: unknown }) | null;
  if (e && typeof e === "object" && typeof e.code === "string" && typeof e.status === "number" && typeof e.message === "string") {
    const errcode = typeof e.rule === "string" ? e.rule : e.code;
    const details = typeof e.details === "object" && e.details !== null ? e.details : {};
    return { status: e.status, body: { errcode, errmesg: e.message, errdata: details } };
  }
  return undefined;
}

/** A 4xx that Fastify itself raised (an unreadable body, a body too large, a wrong content type). */
export function clientErrorOf(error: { statusCode?: number; code?: string; message: string }): WireError | undefined {
  if (error.statusCode === undefined || error.statusCode < 400 || error.statusCode >= 500) return undefined;
  return { status: error.statusCode, body: { errcode: error.code === "invalid-json" ? "invalid-json" : "bad-request", errmesg: error.message, errdata: {} } };
}

/** A server error as the log sees it: one line with the id the reply carries. */
export interface ServerErrorReport {
  readonly errorId: string;
  readonly status: number;
  readonly errcode: string;
  /** `fluvius: internal error <id> on POST /api/…: <message>` */
  readonly line: string;
  readonly error: unknown;
}

/**
 * The reply and the log line of a 5xx. An unexpected error's message stays in the log (it may
 * hold internals); a runtime error with a 5xx status (501, 503, a broken event) says what it is.
 */
export function serverErrorReply(error: unknown, wire: WireError | undefined, request: string) {
  const errorId = randomUUID();
  const status = wire?.status ?? 500;
  const errcode = wire?.body.errcode ?? "internal-error";
  const body = {
    errcode,
    errmesg: wire?.body.errmesg ?? "An internal error occurred; it has been logged.",
    errdata: { ...wire?.body.errdata, errorId },
  };
  // The cause (a driver's error behind "unavailable") is what an operator needs to read.
  const cause =
    error instanceof Error && error.cause instanceof Error
      ? ` (${error.cause.message || (error.cause as NodeJS.ErrnoException).code || error.cause.name})`
      : "";
  const message = `${error instanceof Error ? error.message : String(error)}${cause}`;
  const line = `fluvius: ${errcode.replaceAll("-", " ")} ${errorId} on ${request}: ${message}`;
  const headers: Record<string, string> = status === 503 ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {};
  const report: ServerErrorReport = { errorId, status, errcode, line, error };
  return { report, status, body, headers };
}

/** The default report: the line on stderr, and the stack under it when asked for. */
export function stderrReporter(stacks: boolean): (report: ServerErrorReport) => void {
  return (report) => {
    const stack = stacks && report.error instanceof Error && report.error.stack ? `\n${report.error.stack}` : "";
    process.stderr.write(`${report.line}${stack}\n`);
  };
}

/**
 * The safety net under the checks of the request's values: a database error of SQLSTATE class
 * 22 (data exception: a value out of range, text PostgreSQL cannot read as the column's type)
 * is caused by a value, never by the server's state, so it is the client's 400, not a 500.
 */
export function databaseValueError(error: unknown): WireError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !/^22[0-9A-Z]{3}$/.test(code)) return undefined;
  const message = error instanceof Error ? error.message : "a value the database cannot read";
  return {
    status: 400,
    body: { errcode: "invalid-value", errmesg: `A value in the request cannot be stored or compared: ${message}.`, errdata: { sqlstate: code } },
  };
}

/** A command authenticated by the session cookie without its `X-CSRF-Token` (403). */
export class CsrfError extends FluviusError {
  readonly code = "csrf-token-required";
  readonly status = 403;
}

/** The browser login went wrong on the browser's side: expired, tampered with, refused (400). */
export class LoginError extends FluviusError {
  readonly code = "login-failed";
  readonly status = 400;
}

/** The identity provider could not be reached or answered nonsense during the login (502). */
export class IdentityProviderError extends FluviusError {
  readonly code = "identity-provider-unavailable";
  readonly status = 502;
}

/** The provider's ID token does not fit a browser cookie (502: the provider's configuration, not the browser's doing). */
export class IdTokenTooLargeError extends FluviusError {
  readonly code = "id-token-too-large";
  readonly status = 502;
}
