/**
 * Where a benchmark subject runs, as the orchestrator hands it to a worker process: a
 * database on the PostgreSQL server (a fresh `pg` pool per run, the same size for every
 * contender) or a PGlite data folder (one instance per subject, kept across runs).
 */
import pg from "pg";
import { pgDatabase, type Database } from "@fluvius/runtime";
import { openPglite, pgliteDatabase } from "@fluvius/runtime/pglite";

export type Target = { readonly backend: "postgres"; readonly url: string; readonly poolSize: number } | { readonly backend: "pglite"; readonly dir: string };

export interface Connection {
  readonly db: Database;
  /** The pg pool (postgres only). */
  readonly pool?: pg.Pool;
  /** Ends the pool (postgres); nothing for PGlite, whose instance lives as long as the subject. */
  release(): Promise<void>;
}

/** Opens connections to one target; `close()` ends the PGlite instance, if any. */
export class Connector {
  private pglite: Promise<Database> | undefined;

  constructor(readonly target: Target) {}

  async connect(): Promise<Connection> {
    const target = this.target;
    if (target.backend === "postgres") {
      const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize });
      const db = pgDatabase(pool);
      return { db, pool, release: () => db.close() };
    }
    this.pglite ??= openPglite(target.dir).then((instance) => pgliteDatabase(instance));
    return { db: await this.pglite, release: async () => undefined };
  }

  async close(): Promise<void> {
    if (this.pglite) await (await this.pglite).close();
    this.pglite = undefined;
  }
}
