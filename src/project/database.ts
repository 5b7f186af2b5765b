import type { DiagnosticCollector } from "../diagnostics/collector.js";
import type { ProjectConfig } from "../load/config.js";
import { chooseTarget, type MigrationTarget, openTarget } from "../migrate/target.js";
import type { Database } from "@fluvius/runtime/internal/runtime/db/database";
import { pgDatabase } from "@fluvius/runtime/internal/runtime/db/pg";
import { createStore } from "@fluvius/runtime/internal/runtime/open";
import type { EventStore } from "@fluvius/runtime/internal/runtime/store/types";

export interface ProjectDatabaseOptions {
  readonly url?: string;
  readonly cwd: string;
  /** Shown to another process that finds the embedded database locked. */
  readonly command: string;
  readonly poolSize?: number;
}

export interface ProjectDatabase {
  /** The migrations' connection (holding the embedded folder's lock, or PostgreSQL's for migrations). */
  readonly target: MigrationTarget;
  /** The event store the app runs on: the same PGlite, or a pool of its own on PostgreSQL. */
  readonly store: EventStore;
  close(): Promise<void>;
}

/**
 * Opens the project's database the way every command does: --database-url, else the
 * environment variable of database.urlEnv, else the embedded PGlite folder (locked while open).
 * Undefined when it cannot be opened (diagnostics say why).
 */
export async function openProjectDatabase(
  config: ProjectConfig,
  options: ProjectDatabaseOptions & { readonly create?: true },
  diagnostics: DiagnosticCollector,
): Promise<ProjectDatabase | undefined>;
/** With `create: false`, an embedded database that does not exist yet is not created: `absent`. */
export async function openProjectDatabase(
  config: ProjectConfig,
  options: ProjectDatabaseOptions & { readonly create: false },
  diagnostics: DiagnosticCollector,
): Promise<ProjectDatabase | { readonly absent: string } | undefined>;
export async function openProjectDatabase(
  config: ProjectConfig,
  options: ProjectDatabaseOptions & { readonly create?: boolean },
  diagnostics: DiagnosticCollector,
): Promise<ProjectDatabase | { readonly absent: string } | undefined> {
  const choice = chooseTarget({ config, cwd: options.cwd, ...(options.url === undefined ? {} : { url: options.url }) }, diagnostics);
  if (!choice) return undefined;
  const target = await openTarget(choice, { command: options.command, create: options.create ?? true }, diagnostics);
  if (target === "absent") return choice.kind === "pglite" ? { absent: choice.display } : undefined;
  if (target === undefined) return undefined;
  // One process owns the embedded database: the app shares the migrations' connection.
  const database: Database = choice.kind === "pglite" ? target.db : pgDatabase({ connectionString: choice.url, max: options.poolSize ?? 16 });
  return {
    target,
    store: createStore(database),
    async close() {
      if (choice.kind === "postgres") await database.close().catch(() => undefined);
      await target.close().catch(() => undefined);
    },
  };
}
