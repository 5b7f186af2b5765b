/**
 * The one thing the event store needs from a driver: run a statement, run a script, run a
 * function in a transaction. PostgreSQL (pg pool) and PGlite both implement it; the SQL
 * above it is shared, because PGlite is PostgreSQL.
 */
export type Row = Record<string, unknown>;

export interface Sql {
  /** One statement with $1… parameters; rows as the driver parses them. */
  query<R extends object = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Several statements without parameters (DDL scripts). */
  exec(script: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: "postgres" | "pglite";
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Notifications on a channel from every session of the database (LISTEN), on a connection
   * of its own; `undefined` after a reconnect, when some may have been missed. Only where
   * other processes can write: the embedded database has no other process.
   */
  listen?(channel: string, onNotify: (payload: string | undefined) => void): { stop(): Promise<void> };
  close(): Promise<void>;
}

/** PostgreSQL error fields both drivers expose. */
interface DriverError {
  readonly code?: unknown;
  readonly constraint?: unknown;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as DriverError;
  return e.code === "23505" && (constraint === undefined || e.constraint === constraint);
}
