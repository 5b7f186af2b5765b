import { identifiers } from "../../model/naming.js";
import type { DomainModel, ViewKeyPart, ViewModel } from "../../model/model.js";
import type { ColumnKind } from "@fluvius/runtime/internal/runtime/definition";
import { derivedName } from "./identifiers.js";
import {
  byName,
  columnKind,
  describe,
  searchIndex,
  sqlTypeOf,
  stateColumn,
  type ReadModelTable,
  type TableColumn,
  type TableIndex,
} from "./read-model-table.js";

/**
 * THE description of a view's table (docs/views.md), in the shape of a read-model table so
 * migrations treat both alike: `_tenant`, one column per key part (together the primary key),
 * `_version` (how many events changed the row) and `_updated` (the latest one's time), then
 * the view's fields. The runtime's writes are built from the same description.
 */
export function viewTable(domain: DomainModel, view: ViewModel): ReadModelTable {
  const table = identifiers.table(view.name);
  const key = view.key.map(keyColumn);
  const columns = view.fields.map((f) => stateColumn(table, f));
  return {
    domain: domain.name,
    aggregate: view.name,
    kind: "view",
    schema: identifiers.schema(domain.name),
    table,
    systemColumns: [
      system("_tenant", "text", "text"),
      ...key,
      system("_version", "integer", "integer"),
      system("_updated", "datetime", "timestamp with time zone"),
    ],
    columns,
    primaryKey: { name: derivedName(table, "pkey"), columns: ["_tenant", ...key.map((k) => k.column)] },
    indexes: [...indexedFields(table, view, columns, key), ...searchIndex(table, [...key, ...columns])].sort(byName),
  };
}

/** `(_tenant, <field>, <key…>)` per `index: true` field: filtered or sorted lists, ending with the list's tie-breaker (the key). */
function indexedFields(table: string, view: ViewModel, columns: readonly TableColumn[], key: readonly TableColumn[]): TableIndex[] {
  return view.fields.flatMap((f) => {
    const column = columns.find((c) => c.field === f.name)?.column ?? f.name;
    if (!f.indexed) return [];
    const cols = ["_tenant", column, ...key.map((k) => k.column)];
    return [{ name: derivedName(table, ...cols, "idx"), columns: cols, reason: `lists filtered or sorted by ${f.name} (index: true)` }];
  });
}

function system(column: string, kind: ColumnKind, sqlType: string): TableColumn {
  return { field: column, column, kind, sqlType, nullable: false, optional: false, describe: "system" };
}

/** A key part's column: the field it reads (its name), a date for day and month buckets, a timestamp for hours. */
function keyColumn(part: ViewKeyPart): TableColumn {
  const column = identifiers.column(part.name);
  if (part.bucket !== undefined) {
    const sqlType = part.bucket === "hour" ? "timestamp with time zone" : "date";
    return {
      field: part.name,
      column,
      kind: part.bucket === "hour" ? "datetime" : "date",
      sqlType,
      nullable: false,
      optional: false,
      describe: `key: ${part.bucket} bucket`,
    };
  }
  return {
    field: part.name,
    column,
    kind: columnKind(part.type),
    sqlType: sqlTypeOf(part.type),
    nullable: false,
    optional: false,
    describe: `key: ${describe(part.type)}`,
  };
}
