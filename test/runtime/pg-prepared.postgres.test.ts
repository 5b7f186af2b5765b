import { afterAll, expect, it } from "vitest";
import { pgDatabase } from "@fluvius/runtime/internal/runtime/db/pg";
import { SERVER_URL } from "../helpers/postgres.js";

// One connection, so pg_prepared_statements shows everything this database prepared.
const db = pgDatabase({ connectionString: SERVER_URL, max: 1 });
afterAll(() => db.close());

async function namedStatements(): Promise<string[]> {
  const rows = await db.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'fluvius_%'");
  return rows.map((r) => r.statement);
}

it("prepares a statement from its second use on, never a one-off, and at most 500 texts on a connection", async () => {
  for (let i = 0; i < 20; i++) expect(await db.query<{ v: number }>(`SELECT ${i}::int AS v`)).toEqual([{ v: i }]);
  for (let i = 0; i < 3; i++) expect(await db.query<{ v: number }>("SELECT $1::int + 1 AS v", [i])).toEqual([{ v: i + 1 }]);
  const named = await namedStatements();
  expect(named.filter((s) => s.startsWith("SELECT $1::int + 1"))).toHaveLength(1);
  expect(named.filter((s) => /^SELECT \d+::int AS v$/.test(s))).toEqual([]);

  // Many distinct texts, each used twice (list queries of every shape, say): the count stops at the cap.
  for (let i = 0; i < 600; i++) for (let twice = 0; twice < 2; twice++) await db.query(`SELECT ${i}::int AS many`);
  const after = await namedStatements();
  expect(after).toHaveLength(500);
  // Past the cap, statements still run (unnamed).
  expect(await db.query<{ beyond: number }>("SELECT 7::int AS beyond", [])).toEqual([{ beyond: 7 }]);
});
