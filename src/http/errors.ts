import { FluviusError, toWireError, type WireError } from "../runtime/errors.js";

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
  const e = error as Partial<FluviusError> & { rule?: unknown } | null;
  if (e && typeof e === "object" && typeof e.code === "string" && typeof e.status === "number" && typeof e.message === "string") {
    const errcode = typeof e.rule === "string" ? e.rule : e.code;
    const details = typeof e.details === "object" && e.details !== null ? e.details : {};
    return { status: e.status, body: { errcode, errmesg: e.message, errdata: details } };
  }
  return undefined;
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
  return { status: 400, body: { errcode: "invalid-value", errmesg: `A value in the request cannot be stored or compared: ${message}.`, errdata: { sqlstate: code } } };
}
