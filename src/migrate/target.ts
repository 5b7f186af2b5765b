import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { wholeFile } from "../diagnostics/diagnostic.js";
import { displayPath, toPosix } from "../host/paths.js";
import type { ProjectConfig } from "../load/config.js";
import type { Database } from "@fluvius/runtime/internal/runtime/db/database";
import { pgDatabase } from "@fluvius/runtime/internal/runtime/db/pg";
import { DatabaseUnavailableError } from "@fluvius/runtime/internal/runtime/errors";
import { openPglite, pgliteDatabase } from "@fluvius/runtime/pglite";
import { describeHolder, lockEmbeddedDatabase } from "@fluvius/runtime/internal/runtime/db/embedded-lock";

/** The database migrations are applied to, and how migrators on it are kept apart. */
export interface MigrationTarget {
  readonly kind: "postgres" | "pglite";
  /** "PostgreSQL 127.0.0.1:5432/shop" or "embedded .fluvius/pgdata" (never a password). */
  readonly description: string;
  readonly db: Database;
  /**
   * Waits until no other `migrate up` works on this database. PostgreSQL: a session
   * advisory lock (`onWait` is told who holds it first). PGlite: nothing to do, the
   * embedded folder's lock file is held from open to close.
   */
  lock(onWait?: (holder: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The advisory lock key of `fluvius migrate up` (two int4 keys: "fluv", "migr"). */
export const ADVISORY_LOCK_KEY = [0x666c7576, 0x6d696772] as const;

/** PostgreSQL on one dedicated connection: a session lock lives as long as its connection. */
export function postgresTarget(connectionString: string): MigrationTarget {
  const pool = new pg.Pool({ connectionString, max: 1, idleTimeoutMillis: 0, connectionTimeoutMillis: 10_000 });
  const db = pgDatabase(pool);
  const [k1, k2] = ADVISORY_LOCK_KEY;
  return {
    kind: "postgres",
    description: describeUrl(connectionString),
    db,
    async lock(onWait) {
      const [row] = await db.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::int, $2::int) AS locked", [k1, k2]);
      if (!row?.locked) {
        const [holder] = await db.query<{ pid: number | null }>(
          "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid AND objid = $2::int::oid AND granted LIMIT 1",
          [k1, k2],
        );
        onWait?.(holder?.pid ? `server process ${holder.pid}` : "another session");
        await db.query("SELECT pg_advisory_lock($1::int, $2::int)", [k1, k2]);
      }
      return async () => {
        await db.query("SELECT pg_advisory_unlock($1::int, $2::int)", [k1, k2]);
      };
    },
    close: () => db.close(),
  };
}

/** An open PGlite database (in memory in tests); the caller keeps other processes out. */
export function pgliteTarget(db: Database, description = "embedded (in memory)", onClose?: () => void): MigrationTarget {
  return {
    kind: "pglite",
    description,
    db,
    lock: async () => async () => undefined,
    async close() {
      try {
        await db.close();
      } finally {
        onClose?.();
      }
    },
  };
}

export interface TargetOptions {
  readonly config: ProjectConfig;
  /** --database-url; wins over the environment. */
  readonly url?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Shown to another process that finds the embedded database locked. */
  readonly command: string;
  /** The working folder, for display paths. */
  readonly cwd: string;
  /** false: a missing embedded database is not created (status). */
  readonly create: boolean;
}

export type TargetChoice =
  { readonly kind: "postgres"; readonly url: string; readonly source: string } | { readonly kind: "pglite"; readonly dir: string; readonly display: string };

/**
 * --database-url, else the variable of `database.urlEnv`, else the embedded database. Like
 * the runtime's `openStore`, a value may also be a folder (or file:// URL) of an embedded
 * database; `memory://` is refused (an in-memory database forgets its migrations at exit).
 */
export function chooseTarget(options: Pick<TargetOptions, "config" | "url" | "env" | "cwd">, diagnostics: DiagnosticCollector): TargetChoice | undefined {
  const envName = options.config.database.urlEnv;
  const fromEnv = (options.env ?? process.env)[envName];
  const [url, source] = options.url !== undefined && options.url !== "" ? [options.url, "--database-url"] : [fromEnv ?? "", `$${envName}`];
  if (url === "") {
    const dir = options.config.database.embeddedPath;
    return { kind: "pglite", dir, display: displayPath(options.cwd, dir) };
  }
  // A postgres:// URL that does not parse (a bad port, a stray bracket) is the user's mistake too.
  if (/^postgres(ql)?:\/\//.test(url) && URL.canParse(url)) return { kind: "postgres", url, source };
  if (url.startsWith("file://") || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) || /^[A-Za-z]:[\\/]/.test(url)) {
    const dir = toPosix(url.startsWith("file://") ? fileURLToPath(url) : path.resolve(options.cwd, url));
    return { kind: "pglite", dir, display: displayPath(options.cwd, dir) };
  }
  diagnostics.report("invalid-database-url", { source }, wholeFile(source));
  return undefined;
}

/**
 * Opens the chosen database, reporting (not throwing) what stops it: a held lock, a server
 * that does not answer. `absent` when the embedded database does not exist and `create` is false.
 */
export async function openTarget(
  choice: TargetChoice,
  options: Pick<TargetOptions, "command" | "create">,
  diagnostics: DiagnosticCollector,
): Promise<MigrationTarget | "absent" | undefined> {
  if (choice.kind === "postgres") {
    const target = postgresTarget(choice.url);
    try {
      await target.db.query("SELECT 1");
      return target;
    } catch (error) {
      await target.close().catch(() => undefined);
      diagnostics.report(
        "database-connection-failed",
        { target: `${target.description} (from ${choice.source})`, reason: errorReason(error) },
        wholeFile(choice.source),
      );
      return undefined;
    }
  }
  const description = `embedded ${choice.display}`;
  if (!options.create && !existsSync(choice.dir)) return "absent";
  const lock = lockEmbeddedDatabase(choice.dir, options.command);
  if (!lock.ok) {
    diagnostics.report(
      "embedded-database-locked",
      { path: choice.display, holder: `${describeHolder(lock.holder)}; lock file ${choice.display}.lock` },
      wholeFile(choice.display),
    );
    return undefined;
  }
  try {
    mkdirSync(path.dirname(choice.dir), { recursive: true });
    const db = pgliteDatabase(await openPglite(choice.dir));
    return pgliteTarget(db, description, lock.release);
  } catch (error) {
    lock.release();
    diagnostics.report("database-connection-failed", { target: description, reason: errorReason(error) }, wholeFile(choice.display));
    return undefined;
  }
}

/** "PostgreSQL db.example.com:5432/shop": enough to recognise it, no credentials. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || "(default database)";
    return `PostgreSQL ${u.hostname || "localhost"}:${u.port || "5432"}/${database}`;
  } catch {
    return "PostgreSQL";
  }
}

/** A driver error as one line ("connect ECONNREFUSED 127.0.0.1:5432"). */
export function errorReason(error: unknown): string {
  // The runtime wraps a lost connection; the driver's own words say why.
  if (error instanceof DatabaseUnavailableError) return errorReason(error.cause);
  if (error instanceof AggregateError && error.message === "") return error.errors.map(errorReason).join("; ");
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}
