/**
 * PGlite runs the runtime's statements as named prepared statements (packages/runtime/src/runtime/db/
 * pglite-prepared.ts, a performance change made for the benchmark): the rows, types and
 * errors are exactly those of PGlite's own `query`, statements are parsed once, the cache is
 * bounded, and a statement whose result type changed under it is prepared again.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PreparedStatements } from "@fluvius/runtime/internal/runtime/db/pglite-prepared";
import { pgliteDatabase } from "@fluvius/runtime/pglite";

describe("PGlite named prepared statements", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
    await db.exec(`CREATE TABLE t (id integer PRIMARY KEY, big bigint, amount numeric, doc jsonb, tags text[], at timestamptz, flag boolean, note text);
      INSERT INTO t VALUES (1, 9007199254740993, 10.50, '{"a":[1,{"b":null}]}', '{x,y}', '2024-01-31T10:00:00.123Z', true, NULL);`);
  });
  afterAll(() => db.close());

  const count = async (prefix = "fluvius_") =>
    (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE $1", [`${prefix}%`])).rows[0]!.n;

  test("rows and parsed types are those of PGlite's own query", async () => {
    const prepared = new PreparedStatements(db);
    const text =
      "SELECT id, big, amount, doc, tags, at, flag, note, $1::text AS p1, $2::integer AS p2, $3::text[] AS p3, $4::jsonb AS p4 FROM t WHERE id = $5::integer";
    const params = ["x", 7, ["a", "b,c"], JSON.stringify({ k: "v" }), 1];
    const expected = (await db.query(text, params)).rows;
    expect(await prepared.query(text, params)).toEqual(expected);
    expect(await prepared.query(text, [null, null, null, null, 1])).toEqual((await db.query(text, [null, null, null, null, 1])).rows);
    expect(await prepared.query("SELECT 1 AS one WHERE false", [])).toEqual([]);
    expect(await prepared.query("UPDATE t SET note = $1::text WHERE id = 2", ["n"])).toEqual([]);
  });

  test("a text is parsed once per session, and the cache is bounded", async () => {
    const prepared = new PreparedStatements(db, 2);
    const before = await count();
    for (let i = 0; i < 5; i++) await prepared.query("SELECT $1::integer + 1 AS n", [i]);
    expect(await count()).toBe(before + 1);
    await prepared.query("SELECT $1::integer + 2 AS n", [1]);
    await prepared.query("SELECT $1::integer + 3 AS n", [1]);
    expect(await count()).toBe(before + 2); // the oldest was closed
    expect(await prepared.query("SELECT $1::integer + 1 AS n", [41])).toEqual([{ n: 42 }]); // and comes back
  });

  test("errors carry the driver's code and constraint; the session stays usable", async () => {
    const prepared = new PreparedStatements(db);
    const insert = "INSERT INTO t (id) VALUES ($1::integer)";
    const error = await prepared.query(insert, [1]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "23505", constraint: "t_pkey", query: insert });
    expect(await prepared.query("SELECT count(*)::int AS n FROM t", [])).toEqual([{ n: 1 }]);
    await expect(prepared.query("SELECT * FROM missing_table", [])).rejects.toMatchObject({ code: "42P01" });
    expect(await prepared.query("SELECT 2 AS two", [])).toEqual([{ two: 2 }]);
  });

  test("a statement whose result type changed is prepared again", async () => {
    const prepared = new PreparedStatements(db);
    await db.exec("CREATE TABLE r (a integer); INSERT INTO r VALUES (1);");
    expect(await prepared.query("SELECT * FROM r", [])).toEqual([{ a: 1 }]);
    await db.exec("ALTER TABLE r ADD COLUMN b text DEFAULT 'x'");
    expect(await prepared.query("SELECT * FROM r", [])).toEqual([{ a: 1, b: "x" }]);
  });

  test("through pgliteDatabase: transactions commit and roll back, other users of the instance never interleave", async () => {
    const database = pgliteDatabase(db);
    await database.exec("CREATE TABLE q (id integer PRIMARY KEY)");
    await database.transaction(async (sql) => {
      await sql.query("INSERT INTO q VALUES ($1::integer)", [1]);
      await sql.query("INSERT INTO q VALUES ($1::integer)", [2]);
    });
    await expect(
      database.transaction(async (sql) => {
        await sql.query("INSERT INTO q VALUES ($1::integer)", [3]);
        await sql.query("INSERT INTO q VALUES ($1::integer)", [1]); // duplicate: the whole transaction rolls back
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await database.query("SELECT id FROM q ORDER BY id", [])).toEqual([{ id: 1 }, { id: 2 }]);

    // PGlite's own query on the same instance, concurrently with prepared ones.
    const mixed = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? database.query<{ n: number }>("SELECT $1::integer AS n", [i])
          : db.query<{ n: number }>("SELECT $1::integer AS n", [i]).then((r) => r.rows),
      ),
    );
    expect(mixed.map((rows) => rows[0]!.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});
