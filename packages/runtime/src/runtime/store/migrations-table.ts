import { createHash } from "node:crypto";

/**
 * How applied migrations are recorded, shared by `fluvius migrate up` and the runtime's
 * openTestStore, so a database migrated by either looks the same to the other.
 */

/** `0002_add_tags.sql`: a number (at least four digits), an underscore, a name. */
export const MIGRATION_FILE = /^(\d{4,})_([A-Za-z0-9][A-Za-z0-9_.-]*)\.sql$/;

/**
 * The runner's bookkeeping, like every migration tool's: one row per applied migration.
 * Created (under the runner's lock) before the first migration; it lives in `public`
 * because no domain can be named so, and because the first migration creates schema
 * `fluvius` itself.
 */
export const MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS public.fluvius_migrations (
  id          integer     PRIMARY KEY,          -- the file's number
  name        text        NOT NULL,             -- the file name, e.g. 0002_add_tags.sql
  checksum    text        NOT NULL,             -- sha256 of the file (LF line endings)
  applied_at  timestamptz NOT NULL DEFAULT now(),
  duration_ms integer     NOT NULL
)`;

/** sha256 of the text with LF line endings (a checkout with CRLF does not count as an edit). */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

/** Records an applied migration (inside the transaction that applied it). */
export const RECORD_MIGRATION_SQL = "INSERT INTO public.fluvius_migrations (id, name, checksum, duration_ms) VALUES ($1::int, $2::text, $3::text, $4::int)";
