import { isDeepStrictEqual } from "node:util";
import type { Item } from "../read-model.js";
import type { Lookups } from "./types.js";

/**
 * What `ctx.get` / `ctx.find` see in `given().when()` tests: streams' states by aggregate and
 * id, views' rows by view. `find` matches every given field by value (no key checks: the types
 * of the generated `_lookups.ts` did those); what is not seeded is not found.
 */
export interface SeededLookups {
  /** aggregate → stream id → state. */
  readonly aggregates?: Readonly<Record<string, Readonly<Record<string, object>>>>;
  /** view → its rows (key parts and fields). */
  readonly views?: Readonly<Record<string, readonly object[]>>;
}

export function memoryLookups(seed: SeededLookups, time: string): Lookups {
  const streams = (name: string) => Object.entries(Object.hasOwn(seed.aggregates ?? {}, name) ? (seed.aggregates?.[name] ?? {}) : {});
  const item = (id: string, state: object): Item<object> => ({
    ...state,
    _id: id,
    _version: 1,
    _created: time,
    _updated: time,
    _creator: null,
    _updater: null,
  });
  const matches = (value: object, key: object) => Object.entries(key).every(([k, v]) => isDeepStrictEqual((value as Record<string, unknown>)[k], v));
  const lookups = {
    async get(name: string, id: string) {
      const found = streams(name).find(([streamId]) => streamId === id);
      return found === undefined ? undefined : item(found[0], found[1]);
    },
    async find(name: string, key: object) {
      const rows = Object.hasOwn(seed.views ?? {}, name) ? (seed.views?.[name] ?? []) : undefined;
      if (rows !== undefined) {
        const row = rows.find((r) => matches(r, key));
        return row === undefined ? undefined : { _version: 1, _updated: time, ...row };
      }
      const found = streams(name).find(([, state]) => matches(state, key));
      return found === undefined ? undefined : item(found[0], found[1]);
    },
  };
  // The boundary to the generated types, as for the store's lookups (reader.ts).
  return lookups as unknown as Lookups;
}
