import {
  identifierProblem,
  POSTGRES_SYSTEM_COLUMNS,
  readModelTable,
  reservedSchemaReason,
  viewTable,
  type ReadModelTable,
  type TableColumn,
  type TableIndex,
} from "../emit/sql/index.js";
import { identifiers } from "../model/naming.js";
import type { Model } from "../model/model.js";
import { systemSchemaVersion } from "@fluvius/runtime/internal/runtime/store/schema";

/**
 * What the database looks like after a migration: the part of the lowered model that
 * drives SQL, as plain JSON. `migrate new` compares the spec with the snapshot saved with
 * the last migration; it never looks at a database.
 */
export interface SchemaSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  /** The version of the event store's tables (schema `fluvius`) the migrations create. */
  readonly systemSchemaVersion: number;
  /** One PostgreSQL schema per domain, sorted. */
  readonly schemas: readonly SnapshotSchema[];
  /** Every read-model table, sorted by schema and table. */
  readonly tables: readonly ReadModelTable[];
}

export interface SnapshotSchema {
  readonly domain: string;
  readonly schema: string;
}

export const SNAPSHOT_FORMAT = 1;

/** Where in the spec a table, column or domain comes from (for diagnostics). */
export interface SiteRef {
  readonly domain?: string;
  readonly aggregate?: string;
  /** A state field; with `state: true` and no field, the aggregate's `state` key. */
  readonly field?: string;
  readonly state?: boolean;
}

/** A `renamedFrom:` hint of the spec: the field of `table` was called `from` before. */
export interface RenameHint {
  readonly schema: string;
  readonly table: string;
  readonly field: string;
  readonly from: string;
}

export type NameProblem =
  | { readonly code: "invalid-sql-name"; readonly params: { name: string; kind: string; reason: string }; readonly site: SiteRef }
  | {
      readonly code: "sql-name-collision";
      readonly params: { name: string; first: string; second: string; schema: string };
      readonly site: SiteRef;
      readonly related: SiteRef;
    };

export interface DesiredSchema {
  readonly snapshot: SchemaSnapshot;
  readonly renames: readonly RenameHint[];
  /** Names PostgreSQL cannot take as they are; the snapshot must not be used when there are any. */
  readonly problems: readonly NameProblem[];
}

/** The schema the spec asks for, with the `renamedFrom` hints and any unusable SQL names. */
export function desiredSchema(model: Model): DesiredSchema {
  const problems: NameProblem[] = [];
  const schemas: SnapshotSchema[] = [];
  const tables: ReadModelTable[] = [];
  const renames: RenameHint[] = [];
  for (const domain of model.domains) {
    const schema = identifiers.schema(domain.name);
    const schemaProblem = identifierProblem(schema) ?? reservedSchemaReason(schema);
    if (schemaProblem)
      problems.push({ code: "invalid-sql-name", params: { name: schema, kind: "schema", reason: schemaProblem }, site: { domain: domain.name } });
    schemas.push({ domain: domain.name, schema });
    // Relation names share one namespace per schema: tables, primary-key indexes, indexes.
    const relations = new Map<string, { label: string; site: SiteRef }>();
    const claim = (name: string, label: string, site: SiteRef) => {
      const first = relations.get(name);
      if (first) problems.push({ code: "sql-name-collision", params: { name, first: first.label, second: label, schema }, site, related: first.site });
      else relations.set(name, { label, site });
    };
    for (const aggregate of domain.aggregates) {
      const table = readModelTable(domain, aggregate);
      const site: SiteRef = { domain: domain.name, aggregate: aggregate.name };
      const tableProblem = identifierProblem(table.table);
      if (tableProblem) problems.push({ code: "invalid-sql-name", params: { name: table.table, kind: "table", reason: tableProblem }, site });
      for (const c of table.columns) {
        const reason =
          identifierProblem(c.column) ?? (POSTGRES_SYSTEM_COLUMNS.has(c.column) ? "PostgreSQL has a system column of that name in every table" : undefined);
        if (reason) problems.push({ code: "invalid-sql-name", params: { name: c.column, kind: "column", reason }, site: { ...site, field: c.field } });
      }
      claim(table.table, `the table of aggregate '${aggregate.name}'`, site);
      claim(table.primaryKey.name, `the primary key of '${aggregate.name}'`, site);
      for (const index of table.indexes) claim(index.name, `an index of '${aggregate.name}'`, site);
      tables.push(table);
      for (const field of aggregate.state) {
        if (field.renamedFrom !== undefined) renames.push({ schema: table.schema, table: table.table, field: field.name, from: field.renamedFrom });
      }
    }
    for (const view of domain.views) {
      const table = viewTable(domain, view);
      const site: SiteRef = { domain: domain.name };
      const tableProblem = identifierProblem(table.table);
      if (tableProblem) problems.push({ code: "invalid-sql-name", params: { name: table.table, kind: "table", reason: tableProblem }, site });
      for (const c of [...table.systemColumns, ...table.columns]) {
        if (c.describe === "system") continue;
        const reason =
          identifierProblem(c.column) ?? (POSTGRES_SYSTEM_COLUMNS.has(c.column) ? "PostgreSQL has a system column of that name in every table" : undefined);
        if (reason) problems.push({ code: "invalid-sql-name", params: { name: c.column, kind: "column", reason }, site });
      }
      claim(table.table, `the table of view '${view.name}'`, site);
      claim(table.primaryKey.name, `the primary key of view '${view.name}'`, site);
      tables.push(table);
      for (const field of view.fields) {
        if (field.renamedFrom !== undefined) renames.push({ schema: table.schema, table: table.table, field: field.name, from: field.renamedFrom });
      }
    }
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    snapshot: {
      format: SNAPSHOT_FORMAT,
      systemSchemaVersion,
      schemas: schemas.sort((a, b) => byName(a.schema, b.schema)),
      tables: tables.sort((a, b) => byName(a.schema, b.schema) || byName(a.table, b.table)),
    },
    renames,
    problems,
  };
}

/** The snapshot file's text: stable key order, two-space indent, LF, a final newline. */
export function serialiseSnapshot(snapshot: SchemaSnapshot, migration: string): string {
  const column = (c: TableColumn) => ({
    field: c.field,
    column: c.column,
    kind: c.kind,
    sqlType: c.sqlType,
    nullable: c.nullable,
    optional: c.optional,
    ...(c.default === undefined ? {} : { default: c.default }),
    ...(c.check === undefined ? {} : { check: { name: c.check.name, values: c.check.values } }),
    describe: c.describe,
  });
  const index = (i: TableIndex) => ({
    name: i.name,
    columns: i.columns,
    reason: i.reason,
    ...(i.unique ? { unique: { fields: i.unique.fields } } : {}),
    ...(i.search ? { search: true as const } : {}),
  });
  const data = {
    format: snapshot.format,
    migration,
    systemSchemaVersion: snapshot.systemSchemaVersion,
    schemas: snapshot.schemas.map((s) => ({ domain: s.domain, schema: s.schema })),
    tables: snapshot.tables.map((t) => ({
      domain: t.domain,
      aggregate: t.aggregate,
      ...(t.kind === undefined ? {} : { kind: t.kind }),
      schema: t.schema,
      table: t.table,
      systemColumns: t.systemColumns.map(column),
      columns: t.columns.map(column),
      primaryKey: { name: t.primaryKey.name, columns: t.primaryKey.columns },
      indexes: t.indexes.map(index),
    })),
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Parses a snapshot file; a string says what is wrong with it. */
export function parseSnapshot(text: string): SchemaSnapshot | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const problem = snapshotProblem(data);
  return problem ?? (data as SchemaSnapshot);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function snapshotProblem(data: unknown): string | undefined {
  if (!isObject(data)) return "it is not a JSON object";
  if (data.format !== SNAPSHOT_FORMAT) return `its format is ${JSON.stringify(data.format)}; this fluvius reads format ${SNAPSHOT_FORMAT}`;
  if (typeof data.systemSchemaVersion !== "number") return "systemSchemaVersion is missing";
  if (!Array.isArray(data.schemas) || !data.schemas.every((s) => isObject(s) && isString(s.domain) && isString(s.schema))) return "schemas is malformed";
  if (!Array.isArray(data.tables)) return "tables is missing";
  for (const [i, t] of data.tables.entries()) {
    const where = `tables[${i}]`;
    if (!isObject(t) || !isString(t.domain) || !isString(t.aggregate) || !isString(t.schema) || !isString(t.table)) return `${where} is malformed`;
    if (t.kind !== undefined && t.kind !== "view") return `${where}.kind is malformed`;
    for (const key of ["systemColumns", "columns"] as const) {
      const columns = t[key];
      if (!Array.isArray(columns)) return `${where}.${key} is missing`;
      for (const [j, c] of columns.entries()) {
        const ok =
          isObject(c) &&
          isString(c.field) &&
          isString(c.column) &&
          isString(c.kind) &&
          isString(c.sqlType) &&
          typeof c.nullable === "boolean" &&
          typeof c.optional === "boolean" &&
          (c.default === undefined || isString(c.default)) &&
          (c.check === undefined || (isObject(c.check) && isString(c.check.name) && isStringArray(c.check.values))) &&
          isString(c.describe);
        if (!ok) return `${where}.${key}[${j}] is malformed`;
      }
    }
    if (!isObject(t.primaryKey) || !isString(t.primaryKey.name) || !isStringArray(t.primaryKey.columns)) return `${where}.primaryKey is malformed`;
    const indexOk = (x: unknown) =>
      isObject(x) &&
      isString(x.name) &&
      isStringArray(x.columns) &&
      isString(x.reason) &&
      (x.unique === undefined || (isObject(x.unique) && isStringArray(x.unique.fields))) &&
      (x.search === undefined || x.search === true);
    if (!Array.isArray(t.indexes) || !t.indexes.every(indexOk)) {
      return `${where}.indexes is malformed`;
    }
  }
  return undefined;
}
