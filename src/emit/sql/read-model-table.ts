import { identifiers } from "../../model/naming.js";
import type { AggregateModel, DomainModel, FieldModel } from "../../model/model.js";
import { viewTable } from "./view-table.js";
import type { ValueType } from "../../model/types.js";
import type { ColumnKind } from "@fluvius/runtime/internal/runtime/definition";
import { derivedName, quoteLiteral } from "./identifiers.js";
import { filterKindOf, isSearchable } from "@fluvius/runtime/internal/runtime/read/fields";

/**
 * THE description of an aggregate's read-model table. The migrations create exactly this
 * and the generator hands `columns` (field → column) to the runtime, which upserts the row
 * after every command: the DDL and the runtime's writes come from one function and cannot
 * disagree. Pure, plain data (it is also what the migration snapshot stores).
 */
export interface ReadModelTable {
  readonly domain: string;
  /** The aggregate, or the view (with `kind: "view"`), whose rows the table holds. */
  readonly aggregate: string;
  /** Absent: an aggregate's read model. */
  readonly kind?: "view";
  /** PostgreSQL schema of the domain. */
  readonly schema: string;
  readonly table: string;
  /** `_tenant _id _version _created _updated _creator _updater`: the same for every aggregate. */
  readonly systemColumns: readonly TableColumn[];
  /** One per state field, in the order of the spec. */
  readonly columns: readonly TableColumn[];
  readonly primaryKey: { readonly name: string; readonly columns: readonly string[] };
  /** Secondary indexes, sorted by name. */
  readonly indexes: readonly TableIndex[];
}

export interface TableColumn {
  /** The state field (camelCase); a system column's own name for system columns. */
  readonly field: string;
  /** The SQL column (snake_case of the field). */
  readonly column: string;
  /** What the runtime needs to know to write the value. */
  readonly kind: ColumnKind;
  /** As PostgreSQL's format_type prints it: "text", "numeric(1000,2)", "timestamp with time zone". */
  readonly sqlType: string;
  readonly nullable: boolean;
  /** Whether the spec marks the field optional: then NULL may mean "unset", not only "not set yet". */
  readonly optional: boolean;
  /** The column default as an SQL expression, from the field's `default`. */
  readonly default?: string;
  /** Enums: a CHECK constraint allowing exactly these values. */
  readonly check?: { readonly name: string; readonly values: readonly string[] };
  /** The field's type as the spec says it, for comments in migrations: "Money (decimal)". */
  readonly describe: string;
}

export interface TableIndex {
  readonly name: string;
  readonly columns: readonly string[];
  /** Why the index exists (a comment in the migration). */
  readonly reason: string;
  /**
   * A unique index (`unique:` of the spec), led by `_tenant` so values are unique per tenant;
   * `fields` are its state fields, which the runtime names in a 409 unique-violation.
   */
  readonly unique?: { readonly fields: readonly string[] };
  /** A GIN index on the searchable `columns` as one tsvector: what `text=` searches (packages/runtime/src/runtime/store/search-sql.ts). */
  readonly search?: true;
}

/**
 * The full-text search index of a table: its text and enum columns as `text=` reads them (for
 * a view, the key parts first, as its lists list them). None without such a column.
 */
export function searchIndex(table: string, columns: readonly TableColumn[]): TableIndex[] {
  const searchable = columns.filter((c) => isSearchable({ name: c.field, kind: filterKindOf(c.kind) })).map((c) => c.column);
  return searchable.length === 0 ? [] : [{ name: derivedName(table, "search", "idx"), columns: searchable, reason: "text search (`text=`)", search: true }];
}

/**
 * Precision of every `numeric` with a scale: the largest PostgreSQL allows. The spec bounds
 * only the digits after the point (`scale`); the digits before it are not limited.
 */
export const NUMERIC_PRECISION = 1000;

function systemColumn(column: string, kind: ColumnKind, sqlType: string, nullable = false): TableColumn {
  return { field: column, column, kind, sqlType, nullable, optional: nullable, describe: "system" };
}

/**
 * Written by the runtime on every command; `_version` is the stream's version. `_creator` and
 * `_updater` are the actor ids of the stream's first and latest event: text, as the event
 * log's `actor_id` (a token subject need not be a UUID), NULL for an event without an actor.
 */
export const SYSTEM_COLUMNS: readonly TableColumn[] = [
  systemColumn("_tenant", "text", "text"),
  systemColumn("_id", "uuid", "uuid"),
  systemColumn("_version", "integer", "integer"),
  systemColumn("_created", "datetime", "timestamp with time zone"),
  systemColumn("_updated", "datetime", "timestamp with time zone"),
  systemColumn("_creator", "text", "text", true),
  systemColumn("_updater", "text", "text", true),
];

/** The read-model table of one aggregate. */
export function readModelTable(domain: DomainModel, aggregate: AggregateModel): ReadModelTable {
  const schema = identifiers.schema(domain.name);
  const table = identifiers.table(aggregate.name);
  const columns = aggregate.state.map((field) => stateColumn(table, field));
  return {
    domain: domain.name,
    aggregate: aggregate.name,
    schema,
    table,
    systemColumns: SYSTEM_COLUMNS,
    columns,
    primaryKey: { name: derivedName(table, "pkey"), columns: ["_tenant", "_id"] },
    indexes: indexesOf(domain, aggregate, table, columns),
  };
}

/** Every read-model table of the model's domains, sorted by schema and table. */
export function readModelTables(domains: readonly DomainModel[]): ReadModelTable[] {
  return domains
    .flatMap((d) => [...d.aggregates.map((a) => readModelTable(d, a)), ...d.views.map((v) => viewTable(d, v))])
    .sort((a, b) => compare(a.schema, b.schema) || compare(a.table, b.table));
}

export function stateColumn(table: string, field: FieldModel): TableColumn {
  const column = identifiers.column(field.name);
  const { type } = field;
  return {
    field: field.name,
    column,
    kind: columnKind(type),
    sqlType: sqlTypeOf(type),
    // Events fill the state over time: a new stream may not have set a required field yet.
    // Only a required field with a default always has a value.
    nullable: field.optional || !field.hasDefault,
    optional: field.optional,
    ...(field.hasDefault ? { default: defaultSql(type, field.default) } : {}),
    ...(type.kind === "enum" ? { check: { name: derivedName(table, column, "check"), values: [...type.values] } } : {}),
    describe: describe(type) + (field.optional ? "?" : ""),
  };
}

export function columnKind(type: ValueType): ColumnKind {
  switch (type.kind) {
    case "primitive":
      return type.primitive;
    case "enum":
    case "object":
    case "ref":
    case "array":
      return type.kind;
    case "unknown":
      throw new Error("An unresolved type reached the SQL emitter; the check stage lets none through.");
  }
}

/** The column type, spelled as `format_type()` prints it (so a catalog compares equal). */
export function sqlTypeOf(type: ValueType): string {
  switch (type.kind) {
    case "primitive":
      switch (type.primitive) {
        case "string":
        case "text":
        case "email":
        case "url":
          return "text";
        // A spec integer is a JSON/JavaScript integer (up to 2^53 - 1): int4 would refuse valid states.
        case "integer":
          return "bigint";
        case "number":
          return "double precision";
        case "decimal":
          return type.constraints.scale === undefined ? "numeric" : `numeric(${NUMERIC_PRECISION},${type.constraints.scale})`;
        case "boolean":
          return "boolean";
        case "uuid":
          return "uuid";
        case "date":
          return "date";
        case "datetime":
          return "timestamp with time zone";
        case "json":
          return "jsonb";
      }
      break;
    case "enum":
      return "text";
    case "ref":
      return "uuid";
    case "object":
    case "array":
      return "jsonb";
    case "unknown":
      break;
  }
  throw new Error(`No SQL type for ${type.kind}`);
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A field's `default` as an SQL expression. The check stage has made sure it fits the type. */
export function defaultSql(type: ValueType, value: unknown): string {
  const sqlType = sqlTypeOf(type);
  if (sqlType === "jsonb") return `${quoteLiteral(JSON.stringify(value))}::jsonb`;
  if (type.kind === "primitive") {
    switch (type.primitive) {
      case "integer":
        if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
        break;
      case "number":
        if (typeof value === "number" && Number.isFinite(value)) return String(value);
        break;
      case "decimal":
        if (typeof value === "string" && DECIMAL.test(value)) return value;
        if (typeof value === "number" && Number.isFinite(value)) return String(value);
        break;
      case "boolean":
        if (typeof value === "boolean") return value ? "true" : "false";
        break;
      default:
        if (typeof value === "string") return quoteLiteral(value);
    }
  } else if (typeof value === "string") {
    return quoteLiteral(value);
  }
  throw new Error(`A default of ${JSON.stringify(value)} does not fit ${describe(type)}; the check stage should have refused it.`);
}

/**
 * Indexes that the list queries need, besides the primary key (tenant, id):
 * - (_tenant, _created, _id): the default order of a list, stable for paging;
 * - (_tenant, <ref column>): lists filtered by the referenced aggregate;
 * - (_tenant, <column>): columns a policy rule granting `read` compares with the actor
 *   (`where: { customerId: $actor.id }`): every list that role runs filters by it;
 * - (_tenant, <column>, _id): fields the spec marks `index: true`, for lists filtered or sorted
 *   by them (ending with the list's tie-breaker, a sorted page is read straight off the index);
 * - UNIQUE (_tenant, <columns>): the spec's `unique:` (it also serves the lookups above).
 * An index whose columns start another one's is left out: the longer one serves its lookups.
 */
function indexesOf(domain: DomainModel, aggregate: AggregateModel, table: string, columns: readonly TableColumn[]): TableIndex[] {
  const indexes = new Map<string, TableIndex>();
  const add = (cols: string[], reason: string) => {
    const name = derivedName(table, ...cols, "idx");
    if (!indexes.has(name)) indexes.set(name, { name, columns: cols, reason });
  };
  add(["_tenant", "_created", "_id"], "the default order of list queries");
  const byField = new Map(columns.map((c) => [c.field, c]));
  for (const u of aggregate.unique) {
    const cols = u.fields.map((f) => byField.get(f)?.column ?? f);
    const name = derivedName(table, "_tenant", ...cols, "key");
    if (!indexes.has(name))
      indexes.set(name, { name, columns: ["_tenant", ...cols], reason: `unique ${u.fields.join(", ")} per tenant`, unique: { fields: [...u.fields] } });
  }
  for (const c of columns) if (c.kind === "ref") add(["_tenant", c.column], `lists filtered by the reference ${c.field}`);
  for (const f of aggregate.state)
    if (f.indexed) add(["_tenant", byField.get(f.name)?.column ?? f.name, "_id"], `lists filtered or sorted by ${f.name} (index: true)`);
  for (const rule of domain.rules) {
    if (!rule.allow.some((p) => p === "*" || p === "*:read" || p === `${aggregate.name}:*` || p === `${aggregate.name}:read`)) continue;
    for (const w of rule.where) {
      if (w.field === "_creator" && w.value.kind === "actor") add(["_tenant", "_creator"], `role ${rule.role} lists only rows it created`);
      const c = byField.get(w.field);
      if (c && w.value.kind === "actor" && c.sqlType !== "jsonb")
        add(["_tenant", c.column], `role ${rule.role} lists only rows where ${c.field} matches the actor`);
    }
  }
  return [...withoutPrefixes([...indexes.values()]), ...searchIndex(table, columns)].sort(byName);
}

/**
 * Plain b-trees whose columns are the same as, or lead, another index's columns go: the other
 * serves the same lookups (a unique index the same as a plain one on its columns; `(_tenant,
 * customer_id, _id)` what `(_tenant, customer_id)` would), and each index costs every write.
 */
export function withoutPrefixes(indexes: readonly TableIndex[]): TableIndex[] {
  const leads = (short: TableIndex, long: TableIndex) => short.columns.length <= long.columns.length && short.columns.every((c, i) => long.columns[i] === c);
  return indexes.filter(
    (i) =>
      i.unique !== undefined ||
      !indexes.some((other) => other !== i && leads(i, other) && (other.columns.length > i.columns.length || other.unique !== undefined)),
  );
}

export function describe(type: ValueType): string {
  const base = (() => {
    switch (type.kind) {
      case "primitive":
        return type.primitive + (type.constraints.scale === undefined ? "" : `, scale ${type.constraints.scale}`);
      case "enum":
        return "enum";
      case "object":
        return "object";
      case "ref":
        return `ref ${type.aggregate}`;
      case "array":
        return `${describe(type.element)}[]`;
      case "unknown":
        return "unknown";
    }
  })();
  return "typeName" in type && type.typeName !== undefined ? `${type.typeName} (${base})` : base;
}

/** Indexes in name order (as the table description keeps them). */
export function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return compare(a.name, b.name);
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
