import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import {
  applySystemSchema,
  createStore,
  openPglite,
  pgDatabase,
  pgliteDatabase,
  type Database,
  type EventStore,
} from "../../../src/runtime/index.js";
import { accountTableSql } from "../fixtures/banking-account.js";

/** The PostgreSQL server of the test environment; each test file gets its own database on it. */
export const SERVER_URL = process.env["FLUVIUS_TEST_PG"] ?? "postgres://postgres@127.0.0.1:5432/test";

export interface Backend {
  readonly name: "pglite" | "postgres";
  readonly store: EventStore;
  readonly db: Database;
  /** A connection string for extra raw connections (postgres only). */
  readonly url?: string;
  close(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A throwaway database `fluvius_rt_<random>` with the system schema and the account table. */
export async function postgresBackend(poolSize = 8): Promise<Backend> {
  const name = `fluvius_rt_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = SERVER_URL.replace(/\/[^/]*$/, `/${name}`);
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
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
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
