import { createHash } from "node:crypto";
import pg from "pg";
import type { Database, Sql } from "./database.js";

/**
 * Statements run as named prepared statements: PostgreSQL parses and plans each one once
 * per connection instead of on every command (the runtime's SQL text is fixed per shape).
 */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `fluvius_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

function sqlOn(client: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      const result = await client.query<R>({ name: statementName(text), text, values: [...params] });
      return result.rows;
    },
    async exec(script: string) {
      await client.query(script);
    },
  };
}

export interface PgOptions {
  readonly connectionString: string;
  /** Pool size (default 10). */
  readonly max?: number;
}

export function pgDatabase(options: PgOptions | pg.Pool): Database {
  const pool = options instanceof pg.Pool ? options : new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const direct = sqlOn(pool);
  return {
    kind: "postgres",
    query: direct.query,
    exec: direct.exec,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(sqlOn(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
