/**
 * The services the bench starts or uses: the running PostgreSQL server (throwaway databases
 * `fluvius_bench_<random>_<label>`, dropped at the end) and PGlite (in a temporary folder,
 * removed at the end). Everything created is registered, so `cleanup()` undoes it even
 * after a failure or Ctrl-C.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

/** The server the bench uses; FLUVIUS_BENCH_PG overrides it (a role that may CREATE DATABASE). */
export const SERVER_URL = process.env["FLUVIUS_BENCH_PG"] ?? process.env["FLUVIUS_TEST_PG"] ?? "postgres://postgres@127.0.0.1:5432/test";

/** A service the bench needs is not there: the message says which and what to do. */
export class MissingServiceError extends Error {
  override readonly name = "MissingServiceError";
}

/** The URL without a password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}

/** Names this run's databases: `fluvius_bench_<runId>_<label>`. */
export const runId = randomBytes(4).toString("hex");
const cleanups: { label: string; fn: () => Promise<void> }[] = [];

function register(label: string, fn: () => Promise<void>): () => Promise<void> {
  const entry = { label, fn };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
    await fn();
  };
}

/** Undoes everything still registered (newest first); reports what it could not undo. */
export async function cleanup(report: (line: string) => void = console.error): Promise<void> {
  while (cleanups.length > 0) {
    const entry = cleanups.pop()!;
    try {
      await entry.fn();
    } catch (error) {
      report(`cleanup of ${entry.label} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface ServerInfo {
  readonly version: string;
  readonly versionNumber: number;
  readonly settings: Readonly<Record<string, string>>;
}

/** Connects to the server and reads its version; a clear MissingServiceError when it cannot. */
export async function checkPostgres(): Promise<ServerInfo> {
  try {
    return await admin(async (c) => {
      const { rows } = await c.query<{ version: string; num: string }>("SELECT version() AS version, current_setting('server_version_num') AS num");
      const settings: Record<string, string> = {};
      for (const name of ["max_connections", "shared_buffers", "synchronous_commit", "fsync"]) {
        const r = await c.query<{ v: string }>(`SELECT current_setting('${name}') AS v`);
        settings[name] = r.rows[0]?.v ?? "?";
      }
      const row = rows[0]!;
      return { version: row.version, versionNumber: Number(row.num), settings };
    });
  } catch (error) {
    throw new MissingServiceError(
      `PostgreSQL is not reachable at ${redact(SERVER_URL)} (${error instanceof Error ? error.message : String(error)}).\n` +
        "The runtime benchmark needs a running PostgreSQL server where this role may CREATE DATABASE.\n" +
        "Start it (in CI: .ci/run does), or point FLUVIUS_BENCH_PG at one, e.g. FLUVIUS_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres.\n" +
        "Or run only the generator: npm run bench -- --sections generator",
    );
  }
}

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the server, dropped by `drop()` or `cleanup()`. */
export async function createDatabase(label: string): Promise<BenchDatabase> {
  const name = `fluvius_bench_${runId}_${label}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const drop = register(`database ${name}`, () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))));
  return { name, url: url.toString(), drop };
}

/** A temporary folder, removed by `remove()` or `cleanup()`. */
export function createTempDir(label: string): { dir: string; remove(): Promise<void> } {
  const dir = mkdtempSync(path.join(tmpdir(), `fluvius-bench-${label}-`));
  const remove = register(`folder ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove };
}

/** Registers any other undo step (closing a PGlite instance, say). */
export function onCleanup(label: string, fn: () => Promise<void>): () => Promise<void> {
  return register(label, fn);
}
