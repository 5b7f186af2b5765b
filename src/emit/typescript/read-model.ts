import type { AggregateModel, DomainModel } from "../../model/model.js";
import { readModelTable } from "../sql/read-model-table.js";
import type { ValueType } from "../../model/types.js";

/** The runtime's column kinds (src/runtime/definition.ts). */
export type ColumnKind =
  | "string" | "text" | "email" | "url" | "enum"
  | "decimal" | "integer" | "number" | "boolean"
  | "uuid" | "ref" | "date" | "datetime"
  | "object" | "array" | "json";

export interface ReadModelView {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly { readonly field: string; readonly column: string; readonly kind: ColumnKind }[];
}

/**
 * What the runtime writes after every command: the aggregate's row, one column per state
 * field. Taken from the migrations' own table description, so the two cannot disagree.
 */
export function readModelColumns(domain: DomainModel, aggregate: AggregateModel): ReadModelView {
  const table = readModelTable(domain, aggregate);
  return { schema: table.schema, table: table.table, columns: table.columns.map((c) => ({ field: c.field, column: c.column, kind: c.kind })) };
}

export function columnKind(type: ValueType): ColumnKind {
  switch (type.kind) {
    case "primitive":
      return type.primitive;
    case "enum":
      return "enum";
    case "ref":
      return "ref";
    case "array":
      return "array";
    case "object":
      return "object";
    case "unknown":
      return "json";
  }
}
