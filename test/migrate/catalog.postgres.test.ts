import { postgresTarget } from "../../src/migrate/target.js";
import { createDatabase } from "./helpers/databases.js";
import { migrationSuite } from "./helpers/suite.js";

// A new database on the server for every test.
migrationSuite({
  name: "PostgreSQL",
  async fresh() {
    const database = await createDatabase();
    const target = postgresTarget(database.url);
    return {
      target,
      async done() {
        await target.close();
        await database.drop();
      },
    };
  },
});
