import { commentText, qualified, quoteIdent, quoteLiteral } from "./identifiers.js";
import type { ReadModelTable, TableColumn, TableIndex } from "./read-model-table.js";
import { searchVectorSql } from "@fluvius/runtime/internal/runtime/store/search-sql";

/**
 * DDL text for read-model tables. Statements end with ";" and carry no leading comment;
 * the migration renderer adds comments around them. Every name is quoted.
 */

export function tableName(table: Pick<ReadModelTable, "schema" | "table">): string {
  return qualified(table.schema, table.table);
}

/** `"status" text NOT NULL DEFAULT 'open'` (the CHECK, if any, is a table constraint). */
export function columnDefinition(c: TableColumn): string {
  return [quoteIdent(c.column), c.sqlType, c.nullable ? "" : "NOT NULL", c.default === undefined ? "" : `DEFAULT ${c.default}`]
    .filter((s) => s !== "")
    .join(" ");
}

/** `"status" IN ('open', 'closed')` */
export function checkExpression(column: string, values: readonly string[]): string {
  return `${quoteIdent(column)} IN (${values.map(quoteLiteral).join(", ")})`;
}

export function checkConstraint(c: TableColumn): string | undefined {
  return c.check && `CONSTRAINT ${quoteIdent(c.check.name)} CHECK (${checkExpression(c.column, c.check.values)})`;
}

/** CREATE TABLE with aligned columns, a comment with each state field's spec type, PK and CHECKs. */
export function createTableSql(table: ReadModelTable): string {
  const all = [...table.systemColumns, ...table.columns];
  const defs = all.map(columnDefinition);
  const lines: { text: string; comment?: string }[] = all.map((c, i) => ({
    text: defs[i] ?? "",
    ...(c.describe === "system" ? {} : { comment: c.field === c.column ? c.describe : `${c.field}: ${c.describe}` }),
  }));
  lines.push({ text: `CONSTRAINT ${quoteIdent(table.primaryKey.name)} PRIMARY KEY (${table.primaryKey.columns.map(quoteIdent).join(", ")})` });
  for (const c of all) {
    const check = checkConstraint(c);
    if (check) lines.push({ text: check });
  }
  const width = Math.max(...lines.filter((l) => l.comment !== undefined).map((l) => l.text.length + 1));
  const body = lines.map((l, i) => {
    const text = i < lines.length - 1 ? `${l.text},` : l.text;
    return l.comment === undefined ? `  ${text}` : `  ${text.padEnd(width)} -- ${commentText(l.comment)}`;
  });
  return `CREATE TABLE ${tableName(table)} (\n${body.join("\n")}\n);`;
}

export function createIndexSql(table: Pick<ReadModelTable, "schema" | "table">, index: TableIndex): string {
  // The runtime's text search reads this very expression, so the planner can use the index.
  if (index.search) return `CREATE INDEX ${quoteIdent(index.name)} ON ${tableName(table)} USING gin (${searchVectorSql(index.columns)});`;
  const kind = index.unique ? "UNIQUE INDEX" : "INDEX";
  return `CREATE ${kind} ${quoteIdent(index.name)} ON ${tableName(table)} (${index.columns.map(quoteIdent).join(", ")});`;
}

/**
 * The SQLSTATE of the guard below. PostgreSQL leaves codes outside its classes to users; the
 * migration runner recognises this one and reports the duplicates it lists as a diagnostic.
 */
export const UNIQUE_DUPLICATES_SQLSTATE = "FV001";

/** How many duplicated values the guard lists (it counts them all). */
const LISTED_DUPLICATES = 20;

/**
 * Runs before a unique index is added to a table that may hold rows: when some value is held
 * by more than one stream, it raises UNIQUE_DUPLICATES_SQLSTATE with every such value (up to
 * LISTED_DUPLICATES) and its stream ids, instead of the bare "could not create unique index"
 * that names one. Plain SQL in the migration file, so psql applying it refuses the same way.
 */
export function uniqueGuardSql(table: Pick<ReadModelTable, "schema" | "table">, index: TableIndex, columns: readonly TableColumn[]): string {
  const keyColumns = index.columns.filter((c) => c !== "_tenant");
  const fieldOf = (column: string) => columns.find((c) => c.column === column)?.field ?? column;
  const value = keyColumns.map((c) => `format('%s = %L', ${quoteLiteral(fieldOf(c))}, ${quoteIdent(c)})`).join(`, ', ', `);
  const keys = keyColumns.map(quoteIdent).join(", ");
  const message = `${table.schema}.${table.table}: cannot add unique (${keyColumns.map(fieldOf).join(", ")}): %s value(s) are held by more than one stream`;
  return `DO $fluvius_unique$
DECLARE
  duplicated bigint;
  listed text;
BEGIN
  SELECT count(*), string_agg(line, E'\\n' ORDER BY line) FILTER (WHERE n <= ${LISTED_DUPLICATES}) INTO duplicated, listed FROM (
    SELECT format('tenant %L: %s in streams %s', "_tenant", concat(${value}), string_agg("_id"::text, ', ' ORDER BY "_id")) AS line,
           row_number() OVER (ORDER BY "_tenant", ${keys}) AS n
      FROM ${tableName(table)}
     WHERE ${keyColumns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(" AND ")}
     GROUP BY "_tenant", ${keys} HAVING count(*) > 1
  ) d;
  IF duplicated > 0 THEN
    RAISE EXCEPTION USING ERRCODE = ${quoteLiteral(UNIQUE_DUPLICATES_SQLSTATE)}, MESSAGE = format(${quoteLiteral(message)}, duplicated), DETAIL = listed;
  END IF;
END
$fluvius_unique$;`;
}
