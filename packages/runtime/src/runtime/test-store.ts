import { readdirSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "./db/database.js";
import { openEmbeddedDatabase } from "./db/embedded.js";
import { MIGRATION_FILE, MIGRATIONS_TABLE_SQL, migrationChecksum, RECORD_MIGRATION_SQL } from "./store/migrations-table.js";
import { SqlEventStore } from "./store/sql-event-store.js";
import type { EventStore } from "./store/types.js";

export interface TestStoreOptions {
  /**
   * The project's migrations folder (`output.migrations` of fluvius.yaml): a path, relative to
   * the working directory, or a `file:` URL (`new URL("../migrations", import.meta.url)`).
   * Default: `migrations`.
   */
  readonly migrations?: string | URL;
}

/** The test store could not be set up: no migrations folder, no migration in it, a misnamed or failing file. */
export class TestStoreError extends Error {
  override readonly name = "TestStoreError";
  constructor(
    message: string,
    /** The migrations folder, absolute. */
    readonly folder: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An event store on a fresh PGlite database in memory with the project's migrations applied,
 * as `fluvius migrate up` applies them (in order, each in a transaction, recorded in
 * `public.fluvius_migrations`): the system tables and the domain's read-model and view tables,
 * so commands, lists and views work as on the server. Nothing is written to disk; `close()`
 * discards it. Starting PGlite takes seconds: open one per test file and give each test its
 * own tenant (tenants never see each other's data).
 */
export async function openTestStore(options: TestStoreOptions = {}): Promise<EventStore> {
  const folder = folderOf(options.migrations ?? "migrations");
  const migrations = readMigrations(folder);
  const database = await openEmbeddedDatabase();
  try {
    await applyMigrations(database, migrations, folder);
  } catch (error) {
    await database.close();
    throw error;
  }
  return new SqlEventStore(database, {});
}

function folderOf(migrations: string | URL): string {
  if (migrations instanceof URL) return fileURLToPath(migrations);
  return migrations.startsWith("file:") ? fileURLToPath(migrations) : resolve(migrations);
}

interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

function readMigrations(folder: string): Migration[] {
  const kind = (() => {
    try {
      return statSync(folder).isDirectory() ? "folder" : "file";
    } catch {
      return "missing";
    }
  })();
  if (kind !== "folder") {
    throw new TestStoreError(
      `openTestStore: ${kind === "missing" ? "there is no migrations folder" : "the migrations path is not a folder"} at ${folder}. ` +
        'Pass the project\'s migrations folder (`output.migrations` of fluvius.yaml, default `migrations`), e.g. `openTestStore({ migrations: "migrations" })`, ' +
        "and create the first migration with `fluvius migrate new init` if the project has none yet.",
      folder,
    );
  }
  const migrations: Migration[] = [];
  for (const name of readdirSync(folder)
    .filter((n) => n.endsWith(".sql"))
    .sort()) {
    const match = MIGRATION_FILE.exec(name);
    if (!match)
      throw new TestStoreError(
        `openTestStore: ${name} in ${folder} is not named like a migration (\`0002_add_tags.sql\`); \`fluvius migrate up\` refuses it too.`,
        folder,
      );
    migrations.push({ id: Number(match[1]), name, sql: readFileSync(resolve(folder, name), "utf8") });
  }
  migrations.sort((a, b) => a.id - b.id);
  for (const [i, m] of migrations.entries()) {
    const before = migrations[i - 1];
    if (before !== undefined && before.id === m.id)
      throw new TestStoreError(`openTestStore: ${before.name} and ${m.name} in ${folder} have the same number.`, folder);
  }
  if (migrations.length === 0) {
    throw new TestStoreError(
      `openTestStore: the migrations folder ${folder} has no migration yet; create the first with \`fluvius migrate new init\`.`,
      folder,
    );
  }
  return migrations;
}

async function applyMigrations(database: Database, migrations: readonly Migration[], folder: string): Promise<void> {
  await database.exec(MIGRATIONS_TABLE_SQL);
  for (const migration of migrations) {
    const started = performance.now();
    try {
      await database.transaction(async (sql) => {
        await sql.exec(migration.sql);
        await sql.query(RECORD_MIGRATION_SQL, [migration.id, migration.name, migrationChecksum(migration.sql), Math.round(performance.now() - started)]);
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TestStoreError(`openTestStore: migration ${migration.name} (in ${folder}) failed: ${reason}`, folder, { cause: error });
    }
  }
}
