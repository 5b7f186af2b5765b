import { Params, qualified, quoteIdent } from "../db/sql-text.js";
import type { ViewColumn, ViewOperation, ViewTableDefinition, ViewWrite } from "./definition.js";

/**
 * The commit statement's parts that change views' rows (one CTE per row): an upsert of the
 * row of the key, created from the columns' defaults, each column changed by the events'
 * operations in order. One row is written once per statement (PostgreSQL allows no more), so
 * the changes of one command to one row are folded into one expression per column first. The
 * row is written only when the stream's version check passed (`FROM s`), atomically with the
 * events; concurrent commands on one row wait for each other's row lock, so additions never
 * get lost.
 */
export function viewCtes(writes: readonly ViewWrite[], p: Params, tenant: string): string[] {
  return groupByRow(writes.map((w) => ({ ...w, tenant: "", at: "" }))).map((row, i) => rowCte(`vw${i}`, row, p, { tenant, at: "s.at", from: " FROM s" }));
}

/** A write of `fluvius replay`: its own tenant and time (the commit statement has one of each). */
export interface ReplayedWrite extends ViewWrite {
  readonly tenant: string;
  /** ISO 8601 */
  readonly at: string;
}

/** One statement that applies replayed writes in their order (rows of one key folded together). */
export function replayStatement(writes: readonly ReplayedWrite[]): { readonly text: string; readonly values: readonly unknown[] } {
  const p = new Params();
  const ctes = groupByRow(writes).map((row, i) =>
    rowCte(`vw${i}`, row, p, { tenant: `${p.add(row.tenant)}::text`, at: `${p.add(row.at)}::text::timestamptz`, from: "" }),
  );
  return { text: `WITH ${ctes.join(",\n  ")}\nSELECT 1`, values: p.values };
}

interface RowChange {
  readonly table: ViewTableDefinition;
  readonly tenant: string;
  readonly key: readonly unknown[];
  readonly events: number;
  /** The latest time of the row's writes. */
  readonly at: string;
  readonly operations: readonly ViewOperation[];
}

function groupByRow(writes: readonly ReplayedWrite[]): RowChange[] {
  const rows = new Map<
    string,
    { table: ViewTableDefinition; tenant: string; key: readonly unknown[]; events: number; at: string; operations: ViewOperation[] }
  >();
  for (const w of writes) {
    const id = JSON.stringify([w.tenant, w.table.schema, w.table.table, w.key]);
    const row = rows.get(id) ?? { table: w.table, tenant: w.tenant, key: w.key, events: 0, at: w.at, operations: [] };
    row.events++;
    if (w.at > row.at) row.at = w.at;
    row.operations.push(...w.operations);
    rows.set(id, row);
  }
  return [...rows.values()];
}

/** A value as a typed SQL parameter: text cast to the column's type (JSON for jsonb). */
function valueSql(value: unknown, column: ViewColumn, p: Params): string {
  if (value === null || value === undefined) return `NULL::${column.sqlType}`;
  const text = column.sqlType === "jsonb" ? JSON.stringify(value) : typeof value === "string" ? value : String(value);
  return `${p.add(text)}::text::${column.sqlType}`;
}

/** An array's element as jsonb. */
function elementSql(value: unknown, p: Params): string {
  return `${p.add(JSON.stringify(value ?? null))}::text::jsonb`;
}

/** The column's value after the operations, starting from `start`. */
function fold(start: string, column: ViewColumn, operations: readonly ViewOperation[], p: Params): string {
  // What comes before the last `set` or `unset` does not matter: start there, so every parameter added is used.
  const last = operations.findLastIndex((op) => op.kind === "set" || op.kind === "unset");
  let expression = start;
  for (const op of last < 0 ? operations : operations.slice(last)) {
    switch (op.kind) {
      case "set":
        expression = valueSql(op.value, column, p);
        break;
      case "add":
        expression = `(coalesce(${expression}, 0) + ${valueSql(op.value, column, p)})`;
        break;
      case "subtract":
        expression = `(coalesce(${expression}, 0) - ${valueSql(op.value, column, p)})`;
        break;
      case "count":
        expression = `(coalesce(${expression}, 0) + 1)`;
        break;
      case "unset":
        expression = `NULL::${column.sqlType}`;
        break;
      case "push":
        expression = `(coalesce(${expression}, '[]'::jsonb) || jsonb_build_array(${elementSql(op.value, p)}))`;
        break;
      case "pull":
        // Every element equal to the value goes (jsonb equality: as JSON values compare); the order of the rest stays.
        expression = `(SELECT coalesce(jsonb_agg(x.e ORDER BY x.i), '[]'::jsonb) FROM jsonb_array_elements(coalesce(${expression}, '[]'::jsonb)) WITH ORDINALITY AS x(e, i) WHERE x.e <> ${elementSql(op.value, p)})`;
        break;
    }
  }
  return expression;
}

function rowCte(name: string, row: RowChange, p: Params, scope: { readonly tenant: string; readonly at: string; readonly from: string }): string {
  const { table } = row;
  const target = qualified(table.schema, table.table);
  const keyValues = table.key.map((column, i) => valueSql(row.key[i], column, p));
  const changed = table.columns.filter((c) => row.operations.some((op) => op.field === c.field));
  const opsOf = (c: ViewColumn) => row.operations.filter((op) => op.field === c.field);
  const inserted = changed.map((c) => fold(c.default ?? `NULL::${c.sqlType}`, c, opsOf(c), p));
  const updated = changed.map((c) => `${quoteIdent(c.column)} = ${fold(`cur.${quoteIdent(c.column)}`, c, opsOf(c), p)}`);
  const keyColumns = table.key.map((c) => quoteIdent(c.column));
  const columns = ["_tenant", ...keyColumns, "_version", "_updated", ...changed.map((c) => quoteIdent(c.column))];
  return `${name} AS (
    INSERT INTO ${target} AS cur (${columns.join(", ")})
    SELECT ${[scope.tenant, ...keyValues, `${p.add(row.events)}::integer`, scope.at, ...inserted].join(", ")}${scope.from}
    ON CONFLICT (_tenant, ${keyColumns.join(", ")}) DO UPDATE
       SET _version = cur._version + EXCLUDED._version, _updated = greatest(cur._updated, EXCLUDED._updated)${updated.map((u) => `, ${u}`).join("")}
  )`;
}
