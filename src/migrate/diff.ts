import {
  checkExpression,
  columnDefinition,
  createIndexSql,
  createTableSql,
  derivedName,
  quoteIdent,
  systemColumnBackfill,
  tableName,
  uniqueGuardSql,
  type ReadModelTable,
  type TableColumn,
  type TableIndex,
} from "../emit/sql/index.js";
import { systemSchemaSql, systemSchemaUpgrade } from "@fluvius/runtime/internal/runtime/store/schema";
import type { RenameHint, SchemaSnapshot, SiteRef } from "./snapshot.js";

/**
 * One reviewable change of a migration: a summary line (a comment above its statements in
 * the file, and what `migrate new` prints), the statements, and, for a destructive change,
 * what would be lost.
 */
export interface Change {
  readonly summary: string;
  readonly statements: readonly string[];
  /** Set when the change can lose data: what would be lost. Refused without --allow-destructive. */
  readonly loss?: string;
  /** A more specific way out than --allow-destructive (e.g. "add renamedFrom"). */
  readonly hint?: string;
  readonly site: SiteRef;
}

/**
 * The changes that take a database from `before` (undefined: an empty database) to `after`.
 * Statement order is what PostgreSQL needs: new schemas, dropped tables, altered tables,
 * new tables, dropped schemas; within a table: renames, index drops, column drops,
 * column changes, new columns, new indexes.
 */
export function diffSchemas(before: SchemaSnapshot | undefined, after: SchemaSnapshot, renames: readonly RenameHint[] = []): Change[] {
  const changes: Change[] = [];
  if (!before) {
    changes.push({
      summary: `the event store's system tables (schema fluvius, v${after.systemSchemaVersion}), verbatim from the fluvius runtime`,
      statements: [systemSchemaSql.trimEnd()],
      site: {},
    });
  } else if (before.systemSchemaVersion < after.systemSchemaVersion) {
    changes.push({
      summary: `upgrade the event store's system tables from v${before.systemSchemaVersion} to v${after.systemSchemaVersion}, verbatim from the fluvius runtime`,
      statements: systemSchemaUpgrade(before.systemSchemaVersion).map((step) => step.trimEnd()),
      site: {},
    });
  }
  const beforeSchemas = new Set(before?.schemas.map((s) => s.schema) ?? []);
  const afterSchemas = new Set(after.schemas.map((s) => s.schema));
  for (const s of after.schemas) {
    if (!beforeSchemas.has(s.schema))
      changes.push({
        summary: `schema ${s.schema} for domain '${s.domain}'`,
        statements: [`CREATE SCHEMA ${quoteIdent(s.schema)};`],
        site: { domain: s.domain },
      });
  }
  const key = (t: { schema: string; table: string }) => `${t.schema}.${t.table}`;
  const beforeTables = new Map((before?.tables ?? []).map((t) => [key(t), t]));
  const afterTables = new Map(after.tables.map((t) => [key(t), t]));
  for (const [k, t] of beforeTables) {
    if (afterTables.has(k)) continue;
    changes.push({
      summary: `${k}: drop the table (${t.kind ?? "aggregate"} '${t.aggregate}' is no longer in the spec)`,
      statements: [`DROP TABLE ${tableName(t)};`],
      loss: `table ${k} and every row in it (the read model of ${t.kind ?? "aggregate"} '${t.aggregate}')`,
      hint: "Aggregates cannot be renamed by a migration: the table of the new name starts empty and `replay` fills it from the event log.",
      site: afterSchemas.has(t.schema) ? { domain: t.domain } : {},
    });
  }
  for (const [k, t] of afterTables) {
    const old = beforeTables.get(k);
    if (old)
      changes.push(
        ...diffTable(
          old,
          t,
          renames.filter((r) => r.schema === t.schema && r.table === t.table),
        ),
      );
  }
  for (const [k, t] of afterTables) {
    if (beforeTables.has(k)) continue;
    changes.push({
      summary: `${k}: create the read model of ${t.kind ?? "aggregate"} '${t.aggregate}'`,
      statements: [createTableSql(t), ...t.indexes.map((i) => createIndexSql(t, i))],
      site: { domain: t.domain, aggregate: t.aggregate },
    });
  }
  for (const s of before?.schemas ?? []) {
    if (!afterSchemas.has(s.schema)) {
      changes.push({
        summary: `drop schema ${s.schema} (domain '${s.domain}' is no longer in the spec)`,
        statements: [`DROP SCHEMA ${quoteIdent(s.schema)};`],
        site: {},
      });
    }
  }
  return changes;
}

function diffTable(old: ReadModelTable, next: ReadModelTable, hints: readonly RenameHint[]): Change[] {
  const name = `${next.schema}.${next.table}`;
  const table = tableName(next);
  const alter = (rest: string) => `ALTER TABLE ${table} ${rest};`;
  const site: SiteRef = { domain: next.domain, aggregate: next.aggregate };
  const changes: Change[] = [];

  // ─── match columns: same field, then a renamedFrom hint, then the same column name
  const oldColumns = [...old.systemColumns, ...old.columns];
  const newColumns = [...next.systemColumns, ...next.columns];
  const unmatched = new Set(oldColumns);
  const pairs = new Map<TableColumn, TableColumn>(); // new → old
  const take = (n: TableColumn, o: TableColumn | undefined) => {
    if (!o || !unmatched.has(o) || pairs.has(n)) return;
    pairs.set(n, o);
    unmatched.delete(o);
  };
  // A hint names the field's previous name. It applies when that old field is still in the
  // database and the field's own name is not (a hint left in the spec after its migration is
  // harmless), or when hints form a cycle (fields that swap names).
  const hintOf = new Map(hints.map((h) => [h.field, h.from]));
  const oldFields = new Set(oldColumns.map((o) => o.field));
  const newFields = new Set(newColumns.map((n) => n.field));
  const swapped = new Set<string>();
  for (const start of hintOf.keys()) {
    const chain: string[] = [];
    for (let f: string | undefined = start; f !== undefined && !chain.includes(f); f = hintOf.get(f)) {
      chain.push(f);
      const from = hintOf.get(f);
      if (from === start && chain.every((c) => oldFields.has(c) && newFields.has(c))) chain.forEach((c) => swapped.add(c));
      if (from === undefined || !oldFields.has(from) || !newFields.has(from)) break;
    }
  }
  for (const n of newColumns)
    if (swapped.has(n.field))
      take(
        n,
        oldColumns.find((o) => o.field === hintOf.get(n.field)),
      );
  for (const n of newColumns)
    take(
      n,
      oldColumns.find((o) => o.field === n.field),
    );
  for (const n of newColumns) {
    const from = hintOf.get(n.field);
    if (from !== undefined)
      take(
        n,
        [...unmatched].find((o) => o.field === from),
      );
  }
  for (const n of newColumns)
    take(
      n,
      [...unmatched].find((o) => o.column === n.column),
    );
  const dropped = oldColumns.filter((o) => unmatched.has(o));
  const added = newColumns.filter((n) => !pairs.has(n));

  // ─── dropped columns (first: they free their names)
  const addedFields = added.map((a) => a.field);
  for (const o of dropped) {
    const candidates = addedFields.filter((f) => f !== o.field);
    changes.push({
      summary: `${name}: drop column ${o.column} (field '${o.field}' is no longer in the state)`,
      statements: [alter(`DROP COLUMN ${quoteIdent(o.column)}`)],
      loss: `column ${name}.${o.column} and its value in every row`,
      hint:
        candidates.length > 0
          ? `If '${o.field}' was renamed, add \`renamedFrom: ${o.field}\` to the new field (${candidates.map((f) => `'${f}'`).join(", ")}) instead.`
          : "If the field was renamed, add `renamedFrom: <old name>` to the new field instead.",
      site: { ...site, state: true },
    });
  }

  // ─── renames (a cycle goes through a temporary name)
  const renamed = [...pairs].filter(([n, o]) => n.column !== o.column).map(([n, o]) => ({ from: o.column, to: n.column, field: n.field, oldField: o.field }));
  const current = new Set(oldColumns.filter((o) => !unmatched.has(o)).map((o) => o.column));
  let pending = [...renamed];
  for (let guard = 0; pending.length > 0; guard++) {
    if (guard > 2 * renamed.length + 2) throw new Error(`Renames in ${name} do not resolve: ${JSON.stringify(pending)}`);
    const ready = pending.find((r) => !current.has(r.to));
    if (ready) {
      current.delete(ready.from);
      current.add(ready.to);
      const how = ready.field === ready.oldField ? "" : ` (${ready.field} renamedFrom ${ready.oldField})`;
      changes.push({
        summary: `${name}: rename column ${ready.from} to ${ready.to}${how}`,
        statements: [alter(`RENAME COLUMN ${quoteIdent(ready.from)} TO ${quoteIdent(ready.to)}`)],
        site: { ...site, field: ready.field },
      });
      pending = pending.filter((r) => r !== ready);
      continue;
    }
    // Every target is taken by another pending rename: move one out of the way first.
    const first = pending[0] as (typeof pending)[number];
    const temporary = derivedName("_fluvius_rename", first.from);
    changes.push({
      summary: `${name}: move column ${first.from} aside to free its name`,
      statements: [alter(`RENAME COLUMN ${quoteIdent(first.from)} TO ${quoteIdent(temporary)}`)],
      site: { ...site, field: first.field },
    });
    current.delete(first.from);
    current.add(temporary);
    pending = pending.map((r) => (r === first ? { ...r, from: temporary } : r));
  }

  // Old objects as they are named after the renames.
  const renameOf = new Map(renamed.map((r) => [r.from, r.to]));
  const afterRename = (column: string) => renameOf.get(column) ?? column;
  const droppedNames = new Set(dropped.map((o) => o.column));

  // ─── checks: kept when name and values are the same; otherwise dropped and added again
  const keptChecks = new Set<string>();
  for (const [n, o] of pairs) {
    if (n.check && o.check && n.check.name === o.check.name && sameList(n.check.values, o.check.values)) keptChecks.add(n.check.name);
  }
  const newCheckNames = new Set(newColumns.flatMap((n) => (n.check ? [n.check.name] : [])));
  // A name another column's new check needs must be free before that check is added.
  const dropFirst = [...pairs]
    .filter(([n, o]) => o.check && !keptChecks.has(o.check.name) && newCheckNames.has(o.check.name) && n.check?.name !== o.check.name)
    .map(([, o]) => o);
  if (dropFirst.length > 0) {
    changes.push({
      summary: `${name}: drop CHECK constraints whose names other columns now use`,
      statements: dropFirst.map((o) => alter(`DROP CONSTRAINT ${quoteIdent(o.check?.name ?? "")}`)),
      site,
    });
  }

  // ─── indexes: kept when name and columns match; renamed when only the name changed
  const oldIndexes = old.indexes
    .filter((i) => !i.columns.some((c) => droppedNames.has(c))) // dropped with their column
    .map((i) => ({ ...i, columns: i.columns.map(afterRename) }));
  const keptIndexes = new Set<string>();
  const indexRenames: { from: TableIndex; to: TableIndex }[] = [];
  const oldIndexNames = new Set(oldIndexes.map((i) => i.name));
  const toCreate: TableIndex[] = [];
  const unclaimed = new Set(oldIndexes);
  for (const n of next.indexes) {
    const same = oldIndexes.find(
      (o) => unclaimed.has(o) && o.name === n.name && sameList(o.columns, n.columns) && !o.unique === !n.unique && !o.search === !n.search,
    );
    if (same) {
      keptIndexes.add(n.name);
      unclaimed.delete(same);
    }
  }
  for (const n of next.indexes) {
    if (keptIndexes.has(n.name)) continue;
    const movable = oldIndexes.find((o) => unclaimed.has(o) && sameList(o.columns, n.columns) && !o.unique === !n.unique && !o.search === !n.search);
    if (movable && !oldIndexNames.has(n.name)) {
      indexRenames.push({ from: movable, to: n });
      unclaimed.delete(movable);
    } else {
      toCreate.push(n);
    }
  }
  const rebuilt = new Set(toCreate.map((i) => i.name));
  for (const o of unclaimed) {
    const why = rebuilt.has(o.name) ? "built again below on its new columns" : "no longer needed";
    changes.push({ summary: `${name}: drop index ${o.name} (${why})`, statements: [`DROP INDEX ${quoteIdent(next.schema)}.${quoteIdent(o.name)};`], site });
  }
  for (const r of indexRenames) {
    changes.push({
      summary: `${name}: rename index ${r.from.name} to ${r.to.name}`,
      statements: [`ALTER INDEX ${quoteIdent(next.schema)}.${quoteIdent(r.from.name)} RENAME TO ${quoteIdent(r.to.name)};`],
      site,
    });
  }

  // ─── changed columns
  for (const [n, o] of pairs) {
    const change = diffColumn({ label: name, quoted: table }, o, n, keptChecks, new Set(dropFirst.map((d) => d.check?.name ?? "")));
    if (change) changes.push({ ...change, site: { ...site, field: n.field } });
  }

  // ─── new columns
  for (const n of added) {
    const statements = [alter(`ADD COLUMN ${columnDefinition(n)}`)];
    if (n.check) statements.push(alter(`ADD CONSTRAINT ${quoteIdent(n.check.name)} CHECK (${checkExpression(n.column, n.check.values)})`));
    // A system column an older fluvius did not have (`_creator`, `_updater`): filled from the event log.
    const backfill = next.systemColumns.includes(n) ? systemColumnBackfill(next, n.column) : undefined;
    if (backfill) statements.push(backfill);
    changes.push({
      summary: `${name}: add column ${n.column} (${n.field === n.column ? "" : `${n.field}: `}${n.describe}${n.default === undefined ? "" : `, default ${n.default}`}${backfill ? ", filled from the event log" : ""})`,
      statements,
      site: { ...site, field: n.field },
    });
  }

  // ─── new indexes
  for (const i of toCreate) {
    // The table may hold rows already: the guard refuses duplicates with a list of them (at `migrate up`).
    const statements = i.unique ? [uniqueGuardSql(next, i, next.columns), createIndexSql(next, i)] : [createIndexSql(next, i)];
    const summary = i.unique
      ? `${name}: unique index ${i.name}: ${i.reason} (refused at migrate up while rows share a value)`
      : `${name}: index ${i.name} for ${i.reason}`;
    changes.push({ summary, statements, site });
  }
  return changes;
}

/** How one column changes: its CHECK, type, default and nullability, in that order. */
function diffColumn(
  { label: table, quoted }: { label: string; quoted: string },
  o: TableColumn,
  n: TableColumn,
  keptChecks: ReadonlySet<string>,
  alreadyDropped: ReadonlySet<string>,
): Omit<Change, "site"> | undefined {
  const alter = (rest: string) => `ALTER TABLE ${quoted} ${rest};`;
  const col = quoteIdent(n.column);
  const statements: string[] = [];
  const what: string[] = [];
  const losses: string[] = [];
  const checkKept = o.check !== undefined && keptChecks.has(o.check.name);
  const checkChanges = !checkKept && (o.check !== undefined || n.check !== undefined);
  const typeChanges = o.sqlType !== n.sqlType;

  if (o.check && !checkKept && !alreadyDropped.has(o.check.name)) statements.push(alter(`DROP CONSTRAINT ${quoteIdent(o.check.name)}`));

  if (typeChanges) {
    const conversion = typeConversion(o.sqlType, n.sqlType, col);
    if (o.default !== undefined) statements.push(alter(`ALTER COLUMN ${col} DROP DEFAULT`));
    statements.push(alter(`ALTER COLUMN ${col} TYPE ${n.sqlType} USING ${conversion.using}`));
    what.push(`type ${o.sqlType} → ${n.sqlType}`);
    if (conversion.loss) losses.push(conversion.loss);
  }

  if (n.default !== undefined && (typeChanges || o.default !== n.default)) {
    statements.push(alter(`ALTER COLUMN ${col} SET DEFAULT ${n.default}`));
    if (o.default !== n.default) what.push(o.default === undefined ? `default ${n.default}` : `default ${o.default} → ${n.default}`);
  } else if (n.default === undefined && o.default !== undefined) {
    if (!typeChanges) statements.push(alter(`ALTER COLUMN ${col} DROP DEFAULT`));
    what.push("no default");
  }

  if (o.nullable && !n.nullable) {
    // NOT NULL comes with a default (a required field with a default): rows that never had a
    // value get it, which is what their state now folds to.
    statements.push(`UPDATE ${quoted} SET ${col} = ${n.default ?? "NULL"} WHERE ${col} IS NULL;`);
    statements.push(alter(`ALTER COLUMN ${col} SET NOT NULL`));
    what.push("NOT NULL (empty values get the default)");
    if (o.optional) losses.push(`rows where optional field '${o.field}' is unset (NULL) would get the default ${n.default ?? "NULL"}`);
  } else if (!o.nullable && n.nullable) {
    statements.push(alter(`ALTER COLUMN ${col} DROP NOT NULL`));
    what.push("nullable");
  }

  if (checkChanges) {
    if (n.check) {
      statements.push(alter(`ADD CONSTRAINT ${quoteIdent(n.check.name)} CHECK (${checkExpression(n.column, n.check.values)})`));
      if (!o.check) {
        what.push(`only the values ${n.check.values.map((v) => `'${v}'`).join(", ")}`);
        losses.push(`every other value of ${table}.${n.column} (rows holding one make the migration fail until they are updated)`);
      } else {
        const removed = o.check.values.filter((v) => !n.check?.values.includes(v));
        const addedValues = n.check.values.filter((v) => !o.check?.values.includes(v));
        if (addedValues.length > 0) what.push(`enum values added: ${addedValues.map((v) => `'${v}'`).join(", ")}`);
        if (removed.length > 0) {
          what.push(`enum values removed: ${removed.map((v) => `'${v}'`).join(", ")}`);
          losses.push(
            `the enum values ${removed.map((v) => `'${v}'`).join(", ")} of ${table}.${n.column} (rows still holding them make the migration fail until they are updated)`,
          );
        }
        if (addedValues.length === 0 && removed.length === 0)
          what.push(o.check.name === n.check.name ? "enum values reordered" : `CHECK renamed to ${n.check.name}`);
      }
    } else {
      what.push("any value (no CHECK)");
    }
  }

  if (statements.length === 0) return undefined;
  return {
    summary: `${table}: ${n.column}: ${what.join("; ")}`,
    statements,
    ...(losses.length > 0 ? { loss: losses.join("; ") } : {}),
  };
}

const NUMERIC_WITH_SCALE = /^numeric\((\d+),(\d+)\)$/;

/**
 * How PostgreSQL converts a column, and what a conversion can lose. Lossless (allowed):
 * a larger decimal scale, a scale removed, bigint to numeric or double precision (every
 * integer the runtime writes came from a JavaScript number), uuid to text, a JSON scalar
 * (text, bigint, double precision, boolean, uuid) to jsonb. Anything else may fail or
 * change values, and is destructive.
 */
export function typeConversion(from: string, to: string, column: string): { using: string; loss?: string } {
  const using = to === "jsonb" ? `to_jsonb(${column})` : from === "jsonb" ? `(${column} #>> '{}')::${to}` : `${column}::${to}`;
  const fromScale = NUMERIC_WITH_SCALE.exec(from);
  const toScale = NUMERIC_WITH_SCALE.exec(to);
  if (fromScale && toScale && fromScale[1] === toScale[1] && Number(toScale[2]) > Number(fromScale[2])) return { using };
  if (fromScale && to === "numeric") return { using };
  if (from === "bigint" && (to === "numeric" || toScale || to === "double precision")) return { using };
  if (from === "uuid" && to === "text") return { using };
  if (to === "jsonb" && ["text", "bigint", "double precision", "boolean", "uuid"].includes(from)) return { using };
  const loss =
    fromScale && toScale && fromScale[1] === toScale[1]
      ? `values of ${column} rounded from ${fromScale[2]} to ${toScale[2]} decimal places`
      : from === "numeric" && toScale
        ? `values of ${column} rounded to ${toScale[2]} decimal places`
        : `values of ${column} converted from ${from} to ${to}: a value that does not convert makes the migration fail, others may change`;
  return { using, loss };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
