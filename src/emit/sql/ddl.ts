import { commentText, qualified, quoteIdent, quoteLiteral } from "./identifiers.js";
import type { ReadModelTable, TableColumn, TableIndex } from "./read-model-table.js";

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
  return `CREATE INDEX ${quoteIdent(index.name)} ON ${tableName(table)} (${index.columns.map(quoteIdent).join(", ")});`;
}
