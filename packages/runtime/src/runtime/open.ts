import { mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "./db/database.js";
import { lockEmbeddedDatabase } from "./db/embedded-lock.js";
import { pgDatabase } from "./db/pg.js";
import { openEmbeddedDatabase } from "./db/embedded.js";
import { EmbeddedDatabaseLockedError } from "./errors.js";
import { applySystemSchema } from "./store/schema.js";
import { SqlEventStore, type SqlEventStoreOptions } from "./store/sql-event-store.js";
import type { EventStore } from "./store/types.js";

export interface OpenStoreOptions extends SqlEventStoreOptions {
  /**
   * `postgres://…` / `postgresql://…`: a PostgreSQL server (pg pool);
   * `memory://`: PGlite in memory; a path or `file://` URL: PGlite on disk there.
   * Default: PGlite on disk at `<projectDir>/.fluvius/pgdata`.
   */
  readonly url?: string;
  /** Where the default on-disk database lives (default: the working directory). */
  readonly projectDir?: string;
  /** PostgreSQL pool size (default 10). */
  readonly maxConnections?: number;
  /** Create the system tables when missing (the embedded default; servers use migrations). */
  readonly ensureSchema?: boolean;
  /**
   * How this process is named to another one that finds the embedded database locked
   * (default: `openStore` and the script this process runs).
   */
  readonly owner?: string;
}

export function defaultDataDir(projectDir: string = process.cwd()): string {
  return join(resolve(projectDir), ".fluvius", "pgdata");
}

async function openDatabase(options: OpenStoreOptions): Promise<Database> {
  const url = options.url;
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) {
    return pgDatabase({ connectionString: url, ...(options.maxConnections !== undefined && { max: options.maxConnections }) });
  }
  if (url === "memory://") return openEmbeddedDatabase();
  const dir = url === undefined ? defaultDataDir(options.projectDir) : url.startsWith("file://") ? fileURLToPath(url) : resolve(url);
  // The folder is one process's: the same lock file the CLI takes (fluvius serve, migrate).
  const lock = lockEmbeddedDatabase(dir, options.owner ?? defaultOwner());
  if (!lock.ok) throw new EmbeddedDatabaseLockedError(dir, lock.lockPath, lock.holder);
  try {
    mkdirSync(dir, { recursive: true });
    return releasingOnClose(await openEmbeddedDatabase(dir), lock.release);
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** "openStore (node scripts/import.js)": the script, not its arguments (they may hold secrets). */
function defaultOwner(): string {
  const script = process.argv[1];
  return `openStore (${basename(process.argv0 || process.execPath)}${script === undefined ? "" : ` ${script}`})`;
}

function releasingOnClose(database: Database, release: () => void): Database {
  return {
    ...database,
    async close() {
      try {
        await database.close();
      } finally {
        release();
      }
    },
  };
}

export async function openStore(options: OpenStoreOptions = {}): Promise<EventStore> {
  const database = await openDatabase(options);
  if (options.ensureSchema) await applySystemSchema(database);
  return new SqlEventStore(database, options.notifyCommits === undefined ? {} : { notifyCommits: options.notifyCommits });
}

/** A store on a connection you manage (a shared PGlite or pool in tests, say). */
export function createStore(database: Database, options: SqlEventStoreOptions = {}): EventStore {
  return new SqlEventStore(database, options);
}
