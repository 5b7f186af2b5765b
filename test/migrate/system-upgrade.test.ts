import { expect, test } from "vitest";
import { openPglite, pgliteDatabase } from "@fluvius/runtime/pglite";
import { applySystemSchema, installedSystemSchemaVersion, systemSchemaSteps, systemSchemaVersion } from "@fluvius/runtime/internal/runtime/store/schema";
import { mustMigrate, project } from "./helpers/project.js";

const SPEC = { "shop.yaml": "domain: shop\naggregates:\n  item:\n    state: { title: string }\n" };

test("a project migrated by an older fluvius (system tables v1) gets a migration upgrading them, verbatim, and nothing else", async () => {
  const host = project(SPEC);
  await mustMigrate(host, "init");
  // What the snapshot of a project made before reactions says.
  const snapshotPath = [...host.files.keys()].find((p) => p.endsWith("_snapshot.json"));
  if (!snapshotPath) throw new Error("no snapshot written");
  const snapshot = JSON.parse(host.text(snapshotPath) ?? "{}") as { systemSchemaVersion: number };
  snapshot.systemSchemaVersion = 1;
  host.files.set(snapshotPath, new TextEncoder().encode(JSON.stringify(snapshot, null, 2)));

  const plan = await mustMigrate(host, "upgrade");
  expect(plan.migration.content).toContain(`from v1 to v${systemSchemaVersion}`);
  for (const step of systemSchemaSteps.slice(1)) expect(plan.migration.content).toContain(step.trimEnd());
  expect(plan.migration.content).not.toContain("CREATE SCHEMA fluvius;");
  expect(plan.migration.content).not.toContain('CREATE TABLE "shop"');
});

test("the upgrade steps take a v1 database to the current version; applySystemSchema does the same for ensureSchema", async () => {
  for (const upgrade of ["steps", "applySystemSchema"] as const) {
    const db = pgliteDatabase(await openPglite());
    try {
      await db.exec(systemSchemaSteps[0] ?? "");
      expect(await installedSystemSchemaVersion(db)).toBe(1);
      if (upgrade === "steps") for (const step of systemSchemaSteps.slice(1)) await db.exec(step);
      else expect(await applySystemSchema(db)).toBe(true);
      expect(await installedSystemSchemaVersion(db)).toBe(systemSchemaVersion);
      const [row] = await db.query<{ timers: boolean }>("SELECT to_regclass('fluvius.timers') IS NOT NULL AS timers");
      expect(row?.timers).toBe(true);
      expect(await applySystemSchema(db)).toBe(false);
    } finally {
      await db.close();
    }
  }
});
