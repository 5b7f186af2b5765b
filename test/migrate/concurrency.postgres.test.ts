import { afterEach, describe, expect, test } from "vitest";
import type { MemoryHost } from "../../src/host/memory-host.js";
import { type MigrationFile } from "../../src/migrate/files.js";
import { migrateUp, type Progress, type UpResult } from "../../src/migrate/runner.js";
import { postgresTarget } from "../../src/migrate/target.js";
import { createDatabase, type TestDatabase } from "./helpers/databases.js";
import { evolutionSpecs, migrationFiles, mustMigrate, project } from "./helpers/project.js";

const RUNS = 4;
let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

/** The v1 project plus a slow hand-written migration, so the runs surely overlap. */
async function slowProject(): Promise<MemoryHost> {
  const host = project(evolutionSpecs("v1"));
  await mustMigrate(host, "init");
  host.files.set(
    "/project/migrations/0002_slow.sql",
    new TextEncoder().encode("SELECT pg_sleep(0.4);\nCREATE TABLE shop.applied_once (x int);\nINSERT INTO shop.applied_once VALUES (1);\n"),
  );
  return host;
}

/** RUNS processes' worth of `migrate up` at once, each on its own connection. */
async function concurrentRuns(files: readonly MigrationFile[], url: string, skipLock: boolean) {
  const waited: string[] = [];
  const runs = Array.from({ length: RUNS }, async (): Promise<UpResult> => {
    const target = postgresTarget(url);
    try {
      await target.db.query("SELECT 1"); // connected before anyone starts
      return await migrateUp(target, files, "migrations", {
        skipLock,
        onProgress: (p: Progress) => {
          if (p.kind === "waiting") waited.push(p.holder);
        },
      });
    } finally {
      await target.close();
    }
  });
  return { results: await Promise.allSettled(runs), waited };
}

describe("two `migrate up` at once on PostgreSQL", () => {
  test("apply each migration exactly once: the others wait for the lock, then find nothing to do", async () => {
    database = await createDatabase();
    const files = await migrationFiles(await slowProject());
    const { results, waited } = await concurrentRuns(files, database.url, false);

    const fulfilled = results.map((r) => {
      if (r.status === "rejected") throw r.reason;
      return r.value;
    });
    for (const r of fulfilled) expect(r.diagnostics).toEqual([]);
    const appliedBy = fulfilled.map((r) => r.applied.map((f) => f.name));
    expect(appliedBy.flat().sort(), "each migration applied by exactly one run").toEqual(["0001_init.sql", "0002_slow.sql"]);
    expect(waited.length, "the others waited for the lock").toBeGreaterThan(0);

    const check = postgresTarget(database.url);
    try {
      expect(await check.db.query("SELECT id, name FROM public.fluvius_migrations ORDER BY id")).toEqual([
        { id: 1, name: "0001_init.sql" },
        { id: 2, name: "0002_slow.sql" },
      ]);
      expect(await check.db.query("SELECT count(*)::int AS n FROM shop.applied_once")).toEqual([{ n: 1 }]);
    } finally {
      await check.close();
    }
  });

  test("control: without the lock the same runs collide (so the test above can fail)", async () => {
    database = await createDatabase();
    const files = await migrationFiles(await slowProject());
    const { results } = await concurrentRuns(files, database.url, true);
    const failures = results.filter((r) => r.status === "rejected" || r.value.diagnostics.length > 0);
    expect(failures.length).toBeGreaterThan(0);
  });
});
