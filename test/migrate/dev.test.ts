/** Development migrations (`fluvius dev`): applied to the database without a file, adopted by the committed migration that captures them. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DevMigrateResult, devMigrate, readDevState } from "../../src/migrate/dev.js";
import { readApplied } from "../../src/migrate/runner.js";
import { pgliteTarget, type MigrationTarget } from "../../src/migrate/target.js";
import { type Database } from "@fluvius/runtime";
import { openPglite, pgliteDatabase } from "@fluvius/runtime/pglite";
import { compiled, evolutionSpecs, mustMigrate, project, setSpecs } from "./helpers/project.js";

let db: Database;
let target: MigrationTarget;
beforeAll(async () => {
  db = pgliteDatabase(await openPglite());
  target = { ...pgliteTarget(db), close: async () => undefined };
}, 60_000);
afterAll(async () => {
  await db.close();
});

const host = project(evolutionSpecs("v1"));
async function pass(allowDestructive = false): Promise<DevMigrateResult> {
  const { config, model } = await compiled(host);
  return devMigrate(target, { host, config, model, allowDestructive });
}
const ok = (result: DevMigrateResult) => {
  if (!result.ok) throw new Error(`expected the development migration to apply: ${result.problem}\n${result.diagnostics.map((d) => d.message).join("\n")}`);
  return result;
};

describe("development migrations", () => {
  test("follow the spec without a file, then the committed migration that captures them is adopted, not run", async () => {
    const first = ok(await pass());
    expect(first.changes.map((c) => c.summary).join("\n")).toContain("system tables");
    expect((await readDevState(target)).count).toBe(1);

    setSpecs(host, evolutionSpecs("v2"));
    const second = ok(await pass());
    expect(second.changes.length).toBeGreaterThan(0);
    expect((await readDevState(target)).count).toBe(2);
    expect(ok(await pass()).changes, "an unchanged spec is no migration").toEqual([]);
    expect(await readApplied(db), "no committed migration is recorded by development migrations").toEqual([]);

    // `fluvius migrate new init` writes everything since nothing; the database has it already.
    await mustMigrate(host, "init");
    const adopted = ok(await pass());
    expect(adopted.adopted).toEqual(["0001_init.sql"]);
    expect(adopted.applied).toEqual([]);
    expect(adopted.changes).toEqual([]);
    expect((await readDevState(target)).count).toBe(0);
    expect((await readApplied(db)).map((r) => r.name)).toEqual(["0001_init.sql"]);
  });

  test("a pending migration that does not match the development changes is neither adopted nor run", async () => {
    setSpecs(host, evolutionSpecs("v3"));
    const result = await pass(true);
    ok(result);
    expect((await readDevState(target)).count).toBe(1);
    // A teammate's hand-written migration arrives (no snapshot): it cannot be compared.
    host.files.set("/project/migrations/0002_backfill.sql", new TextEncoder().encode("UPDATE fluvius.events SET data = data;\n"));
    const refused = await pass(true);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.problem).toContain("fluvius dev --reset");
    expect((await readApplied(db)).map((r) => r.name)).toEqual(["0001_init.sql"]);
    expect((await readDevState(target)).count).toBe(1);
  });
});
