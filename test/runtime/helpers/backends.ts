import { randomUUID } from "node:crypto";
import { applySystemSchema, createStore, pgDatabase, type Database, type EventStore } from "@fluvius/runtime";
import { openPglite, pgliteDatabase } from "@fluvius/runtime/pglite";
import { createDatabase } from "../../helpers/postgres.js";
import { accountTableSql } from "../fixtures/banking-account.js";

export interface Backend {
  readonly name: "pglite" | "postgres";
  readonly store: EventStore;
  readonly db: Database;
  /** A connection string for extra raw connections (postgres only). */
  readonly url?: string;
  close(): Promise<void>;
}

/** A throwaway database `fluvius_rt_<random>` with the system schema and the account table. */
export async function postgresBackend(poolSize = 8): Promise<Backend> {
  const database = await createDatabase("fluvius_rt");
  const url = database.url;
  const db = pgDatabase({ connectionString: url, max: poolSize });
  await applySystemSchema(db);
  await db.exec(accountTableSql);
  return {
    name: "postgres",
    store: createStore(db),
    db,
    url,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

/** In-memory PGlite with the system schema and the account table. */
export async function pgliteBackend(): Promise<Backend> {
  const db = pgliteDatabase(await openPglite());
  await applySystemSchema(db);
  await db.exec(accountTableSql);
  return { name: "pglite", store: createStore(db), db, close: () => db.close() };
}

/** A tenant no other test uses: tests sharing one database stay apart. */
export function freshTenant(label = "t"): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}
