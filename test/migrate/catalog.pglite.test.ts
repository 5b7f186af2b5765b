import { afterAll, beforeAll } from "vitest";
import { pgliteTarget, type MigrationTarget } from "../../src/migrate/target.js";
import { type Database } from "@fluvius/runtime";
import { openPglite, pgliteDatabase } from "@fluvius/runtime/pglite";
import { resetDatabase } from "./helpers/databases.js";
import { migrationSuite } from "./helpers/suite.js";

// One PGlite per file (it takes seconds to start); each test empties it first.
let db: Database;
beforeAll(async () => {
  db = pgliteDatabase(await openPglite());
});
afterAll(async () => {
  await db.close();
});

migrationSuite({
  name: "PGlite (embedded)",
  async fresh() {
    await resetDatabase(db);
    const target: MigrationTarget = { ...pgliteTarget(db), close: async () => undefined };
    return { target, done: async () => undefined };
  },
});
