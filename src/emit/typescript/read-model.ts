import type { AggregateModel, DomainModel } from "../../model/model.js";
import { readModelTable } from "../sql/read-model-table.js";

/** The runtime's column kinds: what the generated read-model description tells it. */
export type { ColumnKind } from "@fluvius/runtime/internal/runtime/definition";
import type { ColumnKind } from "@fluvius/runtime/internal/runtime/definition";

export interface ReadModelView {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly { readonly field: string; readonly column: string; readonly kind: ColumnKind; readonly notNull?: true }[];
  readonly unique?: readonly { readonly name: string; readonly fields: readonly string[] }[];
}

/**
 * What the runtime writes after every command: the aggregate's row, one column per state
 * field. Taken from the migrations' own table description, so the two cannot disagree.
 */
export function readModelColumns(domain: DomainModel, aggregate: AggregateModel): ReadModelView {
  const table = readModelTable(domain, aggregate);
  const unique = table.indexes.flatMap((i) => (i.unique ? [{ name: i.name, fields: i.unique.fields }] : []));
  return {
    schema: table.schema,
    table: table.table,
    columns: table.columns.map((c) => ({ field: c.field, column: c.column, kind: c.kind, ...(c.nullable ? {} : { notNull: true as const }) })),
    ...(unique.length > 0 ? { unique } : {}),
  };
}
