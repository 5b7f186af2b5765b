import type { JsonSchema } from "../definition.js";

/**
 * An event of another service that a domain hears (`external:` in its spec): read from a NATS
 * JetStream subject and recorded in the domain's inbox, a stream of stream type
 * `<domain>.external` per message, so reactions hear it like any event of the store.
 */
export interface ExternalEventDefinition {
  readonly domain: string;
  /** Unique in its domain; the inbox event's type. */
  readonly name: string;
  /** The `nats` integration of fluvius.yaml it is read from. */
  readonly integration: string;
  /** The subject (wildcards `*` and `>` allowed). */
  readonly subject: string;
  /** JSON Schema of the event's data: a message whose data do not fit is parked, not recorded. */
  readonly schema: JsonSchema;
}

/** The pseudo-aggregate of every domain's inbox. */
export const EXTERNAL_AGGREGATE = "external";

/** `<domain>.external`: the stream type external events are recorded under. */
export function externalStreamType(domain: string): string {
  return `${domain}.${EXTERNAL_AGGREGATE}`;
}

/** `inbound:<domain>.<name>`: the inbound worker's lease, and the name its parked messages carry. */
export function inboundWorkerName(external: { readonly domain: string; readonly name: string }): string {
  return `inbound:${external.domain}.${external.name}`;
}

/**
 * A domain's inbox as the upcaster reads it: one event type per external event, at version 1
 * (the payload schema in the spec describes what is recorded; it has no history to upcast).
 */
export function inboxDefinition(domain: string, externals: readonly ExternalEventDefinition[]) {
  return {
    domain,
    aggregate: EXTERNAL_AGGREGATE,
    events: Object.fromEntries(externals.map((e) => [e.name, { version: 1, schema: e.schema }])),
  };
}
