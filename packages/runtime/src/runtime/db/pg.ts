import { createHash } from "node:crypto";
import pg from "pg";
import { DatabaseUnavailableError } from "../errors.js";
import { isConnectionError } from "./connection-error.js";
import type { Database, Sql } from "./database.js";
import { listenOnChannel, type ChannelListener } from "./pg-listener.js";

/**
 * Statements run as named prepared statements: PostgreSQL parses and plans each one once
 * per connection instead of on every call (the runtime's SQL text is fixed per shape).
 * Every connection keeps each named statement for its lifetime and the driver offers no way
 * to drop one, so naming is bounded: a text is named from its second use on (a one-off
 * query never is), and at most MAX_NAMED texts ever are; anything else runs unnamed,
 * parsed on each call, exactly as without this.
 */
const MAX_NAMED = 500;
const SEEN_ONCE_LIMIT = 2000;
const names = new Map<string, string>();
const seenOnce = new Set<string>();

function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined || names.size >= MAX_NAMED) return known;
  if (!seenOnce.has(text)) {
    if (seenOnce.size >= SEEN_ONCE_LIMIT) seenOnce.clear();
    seenOnce.add(text);
    return undefined;
  }
  seenOnce.delete(text);
  const name = `fluvius_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
  names.set(text, name);
  return name;
}

/** Runs a driver call; a lost or unreachable database becomes DatabaseUnavailableError (503). */
async function driver<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isConnectionError(error) ? new DatabaseUnavailableError(error) : error;
  }
}

function sqlOn(client: pg.Pool | pg.PoolClient): Sql {
  return {
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      const name = statementName(text);
      const result = await driver(() => client.query<R>(name === undefined ? { text, values: [...params] } : { name, text, values: [...params] }));
      return result.rows;
    },
    async exec(script: string) {
      await driver(() => client.query(script));
    },
  };
}

export interface PgOptions {
  readonly connectionString: string;
  /** Pool size (default 10). */
  readonly max?: number;
  /** How long to wait for a connection before answering "unavailable" (default 5000 ms). */
  readonly connectionTimeoutMillis?: number;
}

export function pgDatabase(options: PgOptions | pg.Pool): Database {
  const pool =
    options instanceof pg.Pool
      ? options
      : new pg.Pool({
          connectionString: options.connectionString,
          max: options.max ?? 10,
          // Without a limit, a request waits forever for a database that does not answer.
          connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
          // Dead connections (no RST, e.g. a network partition) are noticed instead of hanging.
          keepAlive: true,
        });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const direct = sqlOn(pool);
  const listeners = new Set<ChannelListener>();
  return {
    kind: "postgres",
    query: direct.query,
    exec: direct.exec,
    async transaction(fn) {
      const client = await driver(() => pool.connect());
      const sql = sqlOn(client);
      let broken = false;
      try {
        await sql.exec("BEGIN");
        const result = await fn(sql);
        await sql.exec("COMMIT");
        return result;
      } catch (error) {
        // A connection that failed goes back to the pool destroyed, not to be handed out again.
        broken = error instanceof DatabaseUnavailableError;
        if (!broken) await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release(broken);
      }
    },
    listen(channel, onNotify) {
      const listener = listenOnChannel(pool.options, channel, onNotify);
      const handle = {
        async stop() {
          await listener.stop();
          listeners.delete(handle);
        },
      };
      listeners.add(handle);
      return handle;
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.stop()));
      await pool.end();
    },
  };
}
