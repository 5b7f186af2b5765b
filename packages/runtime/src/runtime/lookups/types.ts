import type { Item } from "../read-model.js";

/**
 * Reads a command handler may make besides its own stream (docs/runtime.md, "Lookups"):
 * other aggregates' current state and views' rows, in the command's tenant. A read at
 * decision time, outside the command's write: not a lock.
 *
 * Generated code describes each domain's names and types (`_lookups.ts`), so a wrong name or
 * key is a compile error; the runtime itself only passes values through.
 */

/** What one domain offers to look up: its aggregates (state, unique keys) and views (key, row). */
export interface LookupShapes {
  readonly aggregates: { readonly [aggregate: string]: AggregateLookup };
  readonly views: { readonly [view: string]: ViewLookup };
}

export interface AggregateLookup {
  readonly state: object;
  /** The natural key and each unique field set, one object type each; `never` when there is none. */
  readonly keys: object;
}

export interface ViewLookup {
  /** The key's parts by name. */
  readonly key: object;
  readonly row: object;
}

/** A view's row as handlers see it: its key parts and fields (as the API's rows, without NULLs) and its version. */
export type ViewRow<R> = R & { readonly _version: number; readonly _updated: string };

type Findable<M extends LookupShapes> = {
  readonly [A in keyof M["aggregates"]]: { readonly key: M["aggregates"][A]["keys"]; readonly result: Item<M["aggregates"][A]["state"]> };
} & {
  readonly [V in keyof M["views"]]: { readonly key: M["views"][V]["key"]; readonly result: ViewRow<M["views"][V]["row"]> };
};

export interface Lookups<M extends LookupShapes = AnyLookupShapes> {
  /** The aggregate's current item (state with `_id`, `_version`…); undefined when the tenant has no such stream. */
  get<A extends keyof M["aggregates"] & string>(aggregate: A, id: string): Promise<Item<M["aggregates"][A]["state"]> | undefined>;
  /**
   * The aggregate's item whose natural key or unique field set has these values (exactly those
   * fields), or the view's row of this key; undefined when there is none.
   */
  find<N extends keyof Findable<M> & string>(name: N, key: Findable<M>[N]["key"]): Promise<Findable<M>[N]["result"] | undefined>;
}

/** Without generated names: any aggregate or view, any fields (what hand-built definitions get). */
export interface AnyLookupShapes extends LookupShapes {
  readonly aggregates: {
    readonly [aggregate: string]: { readonly state: Readonly<Record<string, unknown>>; readonly keys: Readonly<Record<string, unknown>> };
  };
  readonly views: { readonly [view: string]: { readonly key: Readonly<Record<string, unknown>>; readonly row: Readonly<Record<string, unknown>> } };
}

/** The lookups of one command: its domain's names, its tenant. */
export type LookupSource = (domain: string, tenant: string) => Lookups;
