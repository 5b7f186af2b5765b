import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, test } from "vitest";
import { findTransactionControl } from "../../src/migrate/split.js";
import { runCli } from "../helpers/cli.js";
import { createDatabase, type TestDatabase } from "./helpers/databases.js";

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of databases) await d.drop();
});

const WITH_COMMIT = `-- 0002_manual.sql: hand-written
CREATE TABLE public.before_commit (id int);
COMMIT;
CREATE TABLE public.after_commit (id int);
SELECT nope FROM nowhere;
`;

function projectWith(manual: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fluvius-txn-"));
  expect(runCli(["init", dir], { cwd: tmpdir() }).status).toBe(0);
  expect(runCli(["migrate", "new", "init"], { cwd: dir }).status).toBe(0);
  writeFileSync(path.join(dir, "migrations/0002_manual.sql"), manual);
  return dir;
}

describe("transaction control in a migration file is refused before anything is applied", () => {
  test("finds each statement outside strings, comments and dollar quotes, case-insensitively", () => {
    const sql = [
      "-- COMMIT; in a comment",
      "/* ROLLBACK; */ SELECT 'COMMIT;', $$BEGIN;$$, \"end\" FROM x;",
      "DO $body$ BEGIN PERFORM 1; END $body$;",
      "begin;",
      "  Start Transaction isolation level serializable;",
      "SAVEPOINT a; RELEASE SAVEPOINT a; rollback to savepoint a;",
      "PREPARE TRANSACTION 'x'; END; abort; commit work;",
      "PREPARE q AS SELECT 1;",
    ].join("\n");
    expect(findTransactionControl(sql).map((f) => [f.keyword, f.line, f.column])).toEqual([
      ["BEGIN", 4, 1],
      ["START TRANSACTION", 5, 3],
      ["SAVEPOINT", 6, 1],
      ["RELEASE", 6, 14],
      ["ROLLBACK", 6, 35],
      ["PREPARE TRANSACTION", 7, 1],
      ["END", 7, 26],
      ["ABORT", 7, 31],
      ["COMMIT", 7, 38],
    ]);
  });

  test("on the embedded database: migrate up exits 1 at the COMMIT's line, and no database was created", () => {
    const dir = projectWith(WITH_COMMIT);
    const up = runCli(["migrate", "up"], { cwd: dir, env: { DATABASE_URL: undefined } });
    expect(up.stdout).toContain("migrations/0002_manual.sql:3:1 error migration-transaction-control: ");
    expect(up.stdout).not.toContain("applying");
    expect(up.status).toBe(1);
    expect(existsSync(path.join(dir, ".fluvius/pgdata"))).toBe(false);
  });

  test("on the PostgreSQL server: migrate up exits 1, nothing applied, no bookkeeping", async () => {
    const dir = projectWith(WITH_COMMIT);
    const database = await createDatabase();
    databases.push(database);
    const up = runCli(["migrate", "up", "--database-url", database.url], { cwd: dir });
    expect(up.stdout).toContain("migrations/0002_manual.sql:3:1 error migration-transaction-control: ");
    expect(up.status).toBe(1);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'fluvius')",
      );
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  test("a failing statement of a migration without transaction control points at its own line and column (PGlite and PostgreSQL)", async () => {
    // PostgreSQL counts characters; astral ones (🚀🚀) are two UTF-16 units in JavaScript.
    const failing = `-- 0002_manual.sql 🚀🚀\n-- COMMIT; only in a comment\nCREATE TABLE public.fine (id int);\n\nSELECT 'x;y', $$;$$, '🚀';\nSELECT nope\n  FROM nowhere;\n`;
    const database = await createDatabase();
    databases.push(database);
    for (const env of [{ DATABASE_URL: undefined }, { DATABASE_URL: database.url }]) {
      const dir = projectWith(failing);
      const up = runCli(["migrate", "up"], { cwd: dir, env });
      expect(up.stdout).toContain('migrations/0002_manual.sql:7:8 error migration-failed: Applying 0002_manual.sql failed: relation "nowhere" does not exist');
      expect(up.status).toBe(1);
    }
  });
});
