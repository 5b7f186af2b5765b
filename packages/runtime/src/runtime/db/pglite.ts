import { AsyncLocalStorage } from "node:async_hooks";
import { PGlite } from "@electric-sql/pglite";
import type { Database, Sql } from "./database.js";
import { Mutex } from "./mutex.js";
import { PreparedStatements } from "./pglite-prepared.js";

/**
 * PGlite is one connection: a statement issued while another caller's transaction is open
 * would run inside it. So every statement and every transaction takes the same lock.
 */
export function pgliteDatabase(db: PGlite): Database {
  const lock = new Mutex();
  // Code inside a transaction that calls the database instead of the transaction's scope
  // would wait for its own lock forever; say so instead.
  const inTransaction = new AsyncLocalStorage<true>();
  const locked = <T>(task: () => Promise<T>): Promise<T> => {
    if (inTransaction.getStore()) {
      return Promise.reject(
        new Error("Inside store.transaction(), use the scope it passes you: PGlite has one connection and this call would wait for itself."),
      );
    }
    return lock.run(task);
  };
  // Statements run as named prepared statements, parsed and planned once (as on a server).
  const prepared = new PreparedStatements(db);
  const raw: Sql = {
    query: <R extends object>(text: string, params: readonly unknown[] = []) => prepared.query<R>(text, params),
    async exec(script: string) {
      await db.exec(script);
    },
  };
  return {
    kind: "pglite",
    query: (text, params) => locked(() => raw.query(text, params)),
    exec: (script) => locked(() => raw.exec(script)),
    transaction: (fn) =>
      locked(async () => {
        await db.query("BEGIN");
        try {
          const result = await inTransaction.run(true, () => fn(raw));
          await db.query("COMMIT");
          return result;
        } catch (error) {
          await db.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
      }),
    close: () => locked(() => db.close()),
  };
}

/** In memory when `dataDir` is undefined, else on disk there (created when missing). */
export async function openPglite(dataDir?: string): Promise<PGlite> {
  const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await db.waitReady;
  return db;
}
