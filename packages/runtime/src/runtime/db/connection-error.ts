/**
 * Whether a driver error means "the database cannot be reached" (a transient outage the
 * server recovers from by itself) rather than a failing statement. The one place that knows
 * the signs: Node's socket errors, PostgreSQL's connection SQLSTATEs, and the messages pg
 * raises without a code when a connection drops or cannot be had in time.
 */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/** 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections; class 08 is "connection exception". */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

const PG_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
];

export function isConnectionError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  // Node's connect to a name with several addresses fails with all of them.
  if (error instanceof AggregateError && error.errors.length > 0 && error.errors.every(isConnectionError)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (SOCKET_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === "string" && PG_MESSAGES.some((m) => message.startsWith(m));
}
