import { createHash } from "node:crypto";
import type { AnyAggregateDefinition, EventDefinition } from "./definition.js";

const keys = new WeakMap<object, string>();

/**
 * The key a stream's snapshots are stored and read back under: the definition's `specHash`
 * (the spec's state and events, so a changed state shape misses), then a hash of the source
 * of every function the fold runs, as this process loaded it — `initialState`, `evolve`, the
 * hand-written `evolveSteps` and the events' upcasters. Editing an evolve function changes
 * the key here, at runtime, so generated code need not embed a hash of hand-written code
 * (docs/generate.md, "The snapshot key"). Computed once per definition.
 */
export function snapshotKey(definition: AnyAggregateDefinition): string {
  const known = keys.get(definition);
  if (known !== undefined) return known;
  const hash = createHash("sha256");
  const functions: readonly unknown[] = [
    definition.initialState,
    definition.evolve,
    ...(definition.evolveSteps ?? []),
    ...Object.entries(definition.events as Readonly<Record<string, EventDefinition>>)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([, event]) =>
        Object.entries(event.upcasters ?? {})
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([, upcaster]) => upcaster),
      ),
  ];
  for (const fn of functions) hash.update(`\0${typeof fn === "function" ? fn.toString() : ""}`);
  const key = `${definition.specHash}.${hash.digest("hex").slice(0, 16)}`;
  keys.set(definition, key);
  return key;
}
