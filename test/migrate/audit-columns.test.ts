/**
 * `_creator` / `_updater` on a project whose tables an older fluvius made (issue 14, point 4):
 * `migrate new` adds them with ALTER TABLE … ADD COLUMN (nothing destructive) and fills them
 * from the event log in the same migration; the result has the catalog of a fresh database.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { MemoryHost } from "../../src/host/memory-host.js";
import { migrateUp } from "../../src/migrate/runner.js";
import { pgliteTarget, postgresTarget, type MigrationTarget } from "../../src/migrate/target.js";
import { createStore, type Database } from "@fluvius/runtime";
import { openPglite, pgliteDatabase } from "@fluvius/runtime/pglite";
import { catalogOf, createDatabase } from "./helpers/databases.js";
import { migrateNew, migrationFiles, mustMigrate, project } from "./helpers/project.js";

const SPEC = { "shop.yaml": "domain: shop\naggregates:\n  item:\n    state: { title: string }\n" };
const AUDIT = new Set(["_creator", "_updater"]);

/** The project as an older fluvius left it: its first migration and snapshot without the two columns. */
async function olderProject(): Promise<MemoryHost> {
  const host = project(SPEC);
  await mustMigrate(host, "init");
  const files = [...host.files.keys()];
  const sqlPath = files.find((p) => p.endsWith("0001_init.sql"));
  const snapshotPath = files.find((p) => p.endsWith("_snapshot.json"));
  if (!sqlPath || !snapshotPath) throw new Error("no migration written");
  const sql = (host.text(sqlPath) ?? "").split("\n").filter((line) => !/^\s*"_(creator|updater)" text,$/.test(line));
  host.files.set(sqlPath, new TextEncoder().encode(sql.join("\n")));
  const snapshot = JSON.parse(host.text(snapshotPath) ?? "{}") as { tables: { systemColumns: { column: string }[] }[] };
  for (const t of snapshot.tables) t.systemColumns = t.systemColumns.filter((c) => !AUDIT.has(c.column));
  host.files.set(snapshotPath, new TextEncoder().encode(JSON.stringify(snapshot, null, 2)));
  return host;
}

async function up(target: MigrationTarget, host: MemoryHost) {
  const result = await migrateUp(target, await migrationFiles(host), "migrations");
  expect(result.diagnostics).toEqual([]);
}

/** Events as the older runtime appended them, and the rows it wrote (without the new columns). */
async function history(db: Database, tenant: string, id: string, actors: readonly (string | undefined)[]) {
  const store = createStore(db).forTenant(tenant);
  for (const [i, actor] of actors.entries()) {
    await store.append("shop.item", id, [{ type: "titled", schemaVersion: 1, data: {} }], { expected: i, ...(actor !== undefined && { actorId: actor }) });
  }
  await db.query(`INSERT INTO shop.item (_tenant, _id, _version, _created, _updated, title) VALUES ($1, $2::uuid, $3::integer, now(), now(), 'x')`, [
    tenant,
    id,
    actors.length,
  ]);
}

const backends: [string, () => Promise<{ target: MigrationTarget; done(): Promise<void> }>][] = [
  [
    "PGlite",
    async () => {
      const db = pgliteDatabase(await openPglite());
      return { target: pgliteTarget(db), done: () => db.close() };
    },
  ],
  [
    "PostgreSQL",
    async () => {
      const database = await createDatabase();
      const target = postgresTarget(database.url);
      return { target, done: async () => (await target.close(), await database.drop()) };
    },
  ],
];

describe.each(backends)("_creator and _updater added to an existing project, on %s", (_name, fresh) => {
  test("ALTER TABLE … ADD COLUMN, filled from the event log in the same migration; then the catalog of a fresh database", async () => {
    const host = await olderProject();
    const old = await fresh();
    const other = await fresh();
    try {
      await up(old.target, host);
      const db = old.target.db;
      const [made, none, elsewhere] = [randomUUID(), randomUUID(), randomUUID()];
      await history(db, "tenant-a", made, ["alice", "bob", "bob"]);
      await history(db, "tenant-a", none, [undefined]);
      // Another tenant with the same stream id: the fill joins on the tenant.
      await history(db, "tenant-b", made, ["carol"]);
      await history(db, "tenant-b", elsewhere, [undefined, "dave"]);

      const plan = await mustMigrate(host, "audit columns");
      const text = plan.migration.content;
      expect(text).toContain('ALTER TABLE "shop"."item" ADD COLUMN "_creator" text;');
      expect(text).toContain('ALTER TABLE "shop"."item" ADD COLUMN "_updater" text;');
      expect(text).toContain("filled from the event log");
      expect(text).not.toContain("DESTRUCTIVE");
      expect(text).not.toMatch(/DROP|CREATE TABLE/);
      await up(old.target, host);

      const rows = await db.query<{ tenant: string; id: string; creator: string | null; updater: string | null }>(
        `SELECT _tenant AS tenant, _id::text AS id, _creator AS creator, _updater AS updater FROM shop.item ORDER BY 1, 2`,
      );
      const byKey = Object.fromEntries(rows.map((r) => [`${r.tenant}/${r.id}`, [r.creator, r.updater]]));
      expect(byKey).toEqual({
        [`tenant-a/${made}`]: ["alice", "bob"],
        [`tenant-a/${none}`]: [null, null],
        [`tenant-b/${made}`]: ["carol", "carol"],
        [`tenant-b/${elsewhere}`]: [null, "dave"],
      });
      expect((await migrateNew(host, "again")).status).toBe("unchanged");

      const current = project(SPEC);
      await mustMigrate(current, "init");
      await up(other.target, current);
      expect(await catalogOf(db)).toEqual(await catalogOf(other.target.db));
    } finally {
      await old.done();
      await other.done();
    }
  });
});
