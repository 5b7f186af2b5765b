import type { AggregateDefinition, EventDefinition, EventShape } from "./definition.js";
import { EventSchemaError } from "./errors.js";

/**
 * Events keep the schema version they were written with. On read, an older version is
 * brought to the current one step by step (v1 → v2 → v3) by hand-written upcasters;
 * the stored row is never rewritten.
 */
export function upcast<E extends EventShape>(
  definition: Pick<AggregateDefinition<unknown, E, object>, "events">,
  type: string,
  schemaVersion: number,
  data: unknown,
): E {
  const events = definition.events as Readonly<Record<string, EventDefinition | undefined>>;
  const event = Object.hasOwn(events, type) ? events[type] : undefined;
  if (event === undefined) {
    throw new EventSchemaError(type, schemaVersion, `Unknown event type ${type}: the stored event has no definition.`);
  }
  if (schemaVersion > event.version) {
    throw new EventSchemaError(type, schemaVersion, `Event ${type} v${schemaVersion} was written by newer code (this code knows v${event.version}).`);
  }
  let current = data;
  for (let v = schemaVersion; v < event.version; v++) {
    const step = event.upcasters?.[v];
    if (step === undefined) {
      throw new EventSchemaError(type, schemaVersion, `No upcaster for event ${type} from v${v} to v${v + 1}.`);
    }
    // Each upcaster is typed by its own version's data; the chain is checked step by step here.
    current = (step as (data: unknown) => unknown)(current);
  }
  return { type, version: event.version, data: current } as unknown as E;
}
