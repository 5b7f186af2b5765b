import type { ColumnKind, EventShape } from "../definition.js";
import type { EventRecord } from "../store/types.js";

/**
 * What generated code hands the runtime for one view (docs/views.md): its table, and per
 * source event a function from the event and the source stream's state after it to the
 * change of one row. Plain functions and data; the runtime knows nothing of YAML.
 */

/** A column of a view's table, as the migrations create it (src/emit/sql/view-table.ts). */
export interface ViewColumn {
  /** The view's field; a key part's name for key columns. */
  readonly field: string;
  readonly column: string;
  /** What the value is (the API's metadata and filters read it). */
  readonly kind: ColumnKind;
  /** The enum's values. */
  readonly values?: readonly string[];
  /** As PostgreSQL's format_type prints it: values are cast to it. */
  readonly sqlType: string;
  /** The column default as an SQL expression (what a new row starts from), if any. */
  readonly default?: string;
  /** The column is NOT NULL (a key part, or a required field with a default): a list sorted by it needs no NULLS LAST, so an index serves both directions. */
  readonly notNull?: true;
}

export interface ViewTableDefinition {
  readonly schema: string;
  readonly table: string;
  /** The key's columns, in order: with `_tenant`, the primary key. */
  readonly key: readonly ViewColumn[];
  readonly columns: readonly ViewColumn[];
}

/** One operation on a row's field; `add`, `subtract` and `count` start from 0 on a field that has no value. */
export type ViewOperation =
  | { readonly kind: "set" | "add" | "subtract"; readonly field: string; readonly value: unknown }
  /** On an array field (jsonb): append the element; remove every element equal to it. */
  | { readonly kind: "push" | "pull"; readonly field: string; readonly value: unknown }
  | { readonly kind: "count" | "unset"; readonly field: string };

/** The change one event makes: the row of `key` (one value per key column), created when missing. */
export interface ViewChange {
  readonly key: readonly unknown[];
  readonly operations: readonly ViewOperation[];
}

export interface ViewSource<E extends EventShape = EventShape, S = unknown> {
  /** `<domain>.<aggregate>` */
  readonly streamType: string;
  readonly eventType: string;
  /**
   * Whether `change` reads the source stream's state (default true). An asynchronous view's
   * projector loads a stream's state only for sources that do.
   */
  readonly usesState?: boolean;
  /** Whether `change` reads the state before the event (a hand-written projector's `before`; default false). */
  readonly usesBefore?: boolean;
  /**
   * The changes of the event (one row, several, or none: the view's `where` excludes it or a
   * key part is absent). `state` is the source stream's state after the event, `before` its
   * state before it (given when `usesBefore`).
   */
  change(event: EventRecord<E>, state: S, before?: S): ViewChange | readonly ViewChange[] | undefined;
}

/** A source's changes as a list. */
export function changesOf(change: ViewChange | readonly ViewChange[] | undefined): readonly ViewChange[] {
  if (change === undefined) return [];
  return isChangeList(change) ? change : [change];
}

function isChangeList(change: ViewChange | readonly ViewChange[]): change is readonly ViewChange[] {
  return Array.isArray(change);
}

export interface ViewDefinition {
  readonly domain: string;
  /** Unique in its domain among views and aggregates; served at `{domain}.{name}`. */
  readonly name: string;
  readonly table: ViewTableDefinition;
  /**
   * Kept by a projection worker after the commit, in the log's order (`async: true`, and every
   * hand-written view), instead of inside the command's write; see docs/views.md.
   */
  readonly async?: boolean;
  /**
   * `any` is the narrow boundary: each source's event and state types differ, and the
   * runtime only hands a source the events (and states) of its stream type and event type.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly sources: readonly ViewSource<any, any>[];
}

/** Identity, for inference. */
export function defineView(definition: ViewDefinition): ViewDefinition {
  return definition;
}

/**
 * A date-time's time bucket, as the key column stores it: `hour` an ISO instant at the full
 * hour, `day` and `month` a date (`2026-12-03`, `2026-12-01`), all in UTC. Undefined for an
 * absent or unreadable time.
 */
export function timeBucket(unit: "hour" | "day" | "month", time: string | undefined | null): string | undefined {
  if (time === undefined || time === null) return undefined;
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  if (unit === "hour") return `${iso.slice(0, 13)}:00:00.000Z`;
  return unit === "day" ? iso.slice(0, 10) : `${iso.slice(0, 7)}-01`;
}

/** One event's change of a view's row, ready to write. */
export interface ViewWrite {
  readonly table: ViewTableDefinition;
  readonly key: readonly unknown[];
  readonly operations: readonly ViewOperation[];
}

/** The sources of one stream type of the views kept in the command's write (not the asynchronous ones). */
export function inlineViewSourcesFor(
  views: readonly ViewDefinition[],
  streamType: string,
): { readonly view: ViewDefinition; readonly source: ViewSource<EventShape, unknown> }[] {
  return views.flatMap((view) => (view.async ? [] : view.sources).filter((s) => s.streamType === streamType).map((source) => ({ view, source })));
}

/**
 * One row's change as a hand-written projector returns it (the generated `<View>Change`): the
 * key by field, then the operations by field.
 */
export interface ProjectedChange {
  readonly key: object;
  readonly set?: object;
  readonly add?: object;
  readonly subtract?: object;
  readonly count?: readonly string[];
  readonly unset?: readonly string[];
}

/**
 * A hand-written projector's result as the runtime's changes: the key spelled in the key's
 * order. A change without a key field's value is the projector's bug: it throws, and the
 * event is parked.
 */
export function projectedChanges(keyFields: readonly string[], result: ProjectedChange | readonly ProjectedChange[] | undefined): ViewChange[] {
  const list: readonly ProjectedChange[] = result === undefined ? [] : Array.isArray(result) ? result : [result as ProjectedChange];
  return list.map((change) => {
    const key = change.key as Readonly<Record<string, unknown>>;
    const parts = keyFields.map((field) => {
      const value = key[field];
      if (value === undefined || value === null) throw new Error(`The projector returned a change without a value for key field '${field}'.`);
      return value;
    });
    const operations: ViewOperation[] = [];
    for (const kind of ["set", "add", "subtract"] as const) {
      for (const [field, value] of Object.entries((change[kind] ?? {}) as Readonly<Record<string, unknown>>)) {
        if (value !== undefined) operations.push({ kind, field, value });
      }
    }
    for (const field of change.count ?? []) operations.push({ kind: "count", field });
    for (const field of change.unset ?? []) operations.push({ kind: "unset", field });
    return { key: parts, operations };
  });
}
