import { createHash } from "node:crypto";

/**
 * SQL text from spec values. Every identifier is validated (see `identifierProblem`) AND
 * quoted; every literal is quoted so that neither server setting nor content can end it
 * early. Nothing from a spec reaches SQL any other way, so no spec can inject SQL.
 */

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes; longer names are silently truncated. */
export const MAX_IDENTIFIER_BYTES = 63;

/** Names the naming helpers produce: lowercase snake_case. Anything else is a bug or a spec we refuse. */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Columns every table has in PostgreSQL; a user column of that name is refused by the server. */
export const POSTGRES_SYSTEM_COLUMNS: ReadonlySet<string> = new Set(["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid", "oid"]);

/** Schemas a domain may not map to: the system's own and PostgreSQL's. */
export function reservedSchemaReason(schema: string): string | undefined {
  if (schema === "fluvius") return "it is the event store's schema";
  if (schema === "public") return "it holds the migrations table, public.fluvius_migrations";
  if (schema === "information_schema") return "it is a PostgreSQL system schema";
  if (schema.startsWith("pg_")) return "PostgreSQL reserves schema names starting with 'pg_'";
  return undefined;
}

/** Why a name cannot be used as a PostgreSQL identifier as is, or undefined when it can. */
export function identifierProblem(name: string): string | undefined {
  if (!PLAIN_IDENTIFIER.test(name)) return "it is not lowercase letters, digits and underscores";
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes > MAX_IDENTIFIER_BYTES) return `it is ${bytes} characters long; PostgreSQL keeps only ${MAX_IDENTIFIER_BYTES}`;
  return undefined;
}

// Quoting is the runtime's one SQL helper, so migrations and the running service spell SQL alike.
export { qualified, quoteIdent, quoteLiteral } from "@fluvius/runtime/internal/runtime/db/sql-text";

/**
 * A name the migrations derive (index, constraint): PostgreSQL's own convention
 * (`<table>_<columns>_idx`, `<table>_<column>_check`, `<table>_pkey`), shortened with a
 * hash of the full name when it would be longer than PostgreSQL keeps, so it stays unique.
 */
export function derivedName(...parts: string[]): string {
  const full = parts.join("_");
  if (Buffer.byteLength(full, "utf8") <= MAX_IDENTIFIER_BYTES) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, MAX_IDENTIFIER_BYTES - 9)}_${hash}`;
}

/** Text for an SQL `--` comment: one line, no control characters, so a comment can never end early. */
export function commentText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
}
