import type { Sql } from "@fluvius/runtime/internal/runtime/db/database";
import { createDatabase as createTestDatabase, type TestDatabase } from "../../helpers/postgres.js";

export type { TestDatabase } from "../../helpers/postgres.js";

/** A new empty database `fluvius_mig_<random>`, so test files can run in parallel. */
export function createDatabase(): Promise<TestDatabase> {
  return createTestDatabase("fluvius_mig");
}

/** Drops everything a project's migrations created, so one PGlite instance can be reused. */
export async function resetDatabase(sql: Sql): Promise<void> {
  const schemas = await sql.query<{ nspname: string }>(
    "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')",
  );
  for (const { nspname } of schemas) await sql.exec(`DROP SCHEMA "${nspname}" CASCADE`);
  await sql.exec("DROP TABLE IF EXISTS public.fluvius_migrations");
}

const USER_SCHEMAS = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";

/**
 * What a DBA would compare: schemas, tables, columns (type, NOT NULL, default, identity),
 * constraints, indexes, triggers and functions. Columns are compared by name: PostgreSQL
 * cannot reorder columns, so a column added later is last in an upgraded table (nothing
 * depends on the order; the runtime names every column).
 */
export async function catalogOf(sql: Sql): Promise<Record<string, unknown[]>> {
  return {
    schemas: await sql.query(
      `SELECT n.nspname AS schema, obj_description(n.oid, 'pg_namespace') AS comment FROM pg_namespace n WHERE ${USER_SCHEMAS} ORDER BY 1`,
    ),
    relations: await sql.query(
      `SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'i', 'S', 'v', 'm') ORDER BY 1, 2`,
    ),
    columns: await sql.query(
      `SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity AS identity, a.attgenerated AS generated
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE ${USER_SCHEMAS} AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2, 3`,
    ),
    constraints: await sql.query(
      `SELECT n.nspname AS schema, c.relname AS table, con.conname AS name, con.contype AS type, pg_get_constraintdef(con.oid) AS definition,
              con.convalidated AS validated
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${USER_SCHEMAS} ORDER BY 1, 2, 3`,
    ),
    indexes: await sql.query(`SELECT schemaname AS schema, tablename AS table, indexname AS name, indexdef AS definition FROM pg_indexes
        WHERE schemaname NOT LIKE 'pg\\_%' AND schemaname <> 'information_schema' ORDER BY 1, 2, 3`),
    triggers: await sql.query(
      `SELECT n.nspname AS schema, c.relname AS table, t.tgname AS name, pg_get_triggerdef(t.oid) AS definition
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${USER_SCHEMAS} AND NOT t.tgisinternal ORDER BY 1, 2, 3`,
    ),
    functions: await sql.query(
      `SELECT n.nspname AS schema, p.proname AS name, pg_get_functiondef(p.oid) AS definition
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_SCHEMAS} ORDER BY 1, 2`,
    ),
  };
}
