import { isUuid } from "./actor.js";
import type { ReadModelDefinition } from "./definition.js";

/** An aggregate as the API returns it: its state plus the system fields of DESIGN §4. */
export type Item<S> = S & {
  readonly _id: string;
  readonly _version: number;
  readonly _created: string;
  readonly _updated: string;
  /** Actor id of the stream's first event; null when that event had no actor. */
  readonly _creator: string | null;
  /** Actor id of the stream's latest event (as of a time-travel target); null when it had none. */
  readonly _updater: string | null;
};

/** What an item says about its stream besides the state. */
export interface StreamFacts {
  readonly version: number;
  readonly created: string;
  readonly updated: string;
  readonly creator: string | null;
  readonly updater: string | null;
}

export function itemOf<S>(state: S, streamId: string, facts: StreamFacts): Item<S> {
  return {
    ...state,
    _id: streamId,
    _version: facts.version,
    _created: facts.created,
    _updated: facts.updated,
    _creator: facts.creator,
    _updater: facts.updater,
  };
}

/** The state columns of the aggregate's row (column name → value; absent fields become NULL). */
export function rowColumns(readModel: ReadModelDefinition, state: unknown): Record<string, unknown> {
  const fields = state as Readonly<Record<string, unknown>>;
  const columns: Record<string, unknown> = {};
  for (const c of readModel.columns) columns[c.column] = fields[c.field] ?? null;
  return columns;
}

/**
 * The first uuid (or ref) column whose new value is not a UUID, if any. Payloads are checked
 * before handlers run, so such a value comes from `$meta.actorId` (a token subject that is not
 * a UUID) or from hand-written code; the database would refuse it mid-write.
 */
export function nonUuidColumn(readModel: ReadModelDefinition, state: unknown): { readonly field: string; readonly value: unknown } | undefined {
  const fields = state as Readonly<Record<string, unknown>>;
  for (const c of readModel.columns) {
    if (c.kind !== "uuid" && c.kind !== "ref") continue;
    const value = fields[c.field];
    if (value !== undefined && value !== null && (typeof value !== "string" || !isUuid(value))) return { field: c.field, value };
  }
  return undefined;
}
