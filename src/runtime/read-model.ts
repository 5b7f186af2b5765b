import type { ReadModelDefinition } from "./definition.js";

/** An aggregate as the API returns it: its state plus the system fields of DESIGN §4. */
export type Item<S> = S & {
  readonly _id: string;
  readonly _version: number;
  readonly _created: string;
  readonly _updated: string;
};

export function itemOf<S>(state: S, streamId: string, version: number, created: string, updated: string): Item<S> {
  return { ...state, _id: streamId, _version: version, _created: created, _updated: updated };
}

/** The state columns of the aggregate's row (column name → value; absent fields become NULL). */
export function rowColumns(readModel: ReadModelDefinition, state: unknown): Record<string, unknown> {
  const fields = state as Readonly<Record<string, unknown>>;
  const columns: Record<string, unknown> = {};
  for (const c of readModel.columns) columns[c.column] = fields[c.field] ?? null;
  return columns;
}
