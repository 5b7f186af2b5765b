import type { DeliveryContext } from "../reactions/definition.js";
import type { EventRecord, StoredEvent } from "../store/types.js";

/**
 * What leaves the service for an event, on a webhook and on NATS alike (docs/integrations.md).
 * Plain JSON: ids and times as strings, the payload as `data`.
 */
export interface WireEvent {
  /** The event id: the same on every redelivery and on every integration. */
  readonly id: string;
  readonly type: string;
  /** The event's schema version (of `data`). */
  readonly version: number;
  readonly tenant: string;
  /** `<domain>.<aggregate>` */
  readonly streamType: string;
  readonly streamId: string;
  /** The event's position in its stream: 1, 2, 3… */
  readonly streamVersion: number;
  /** ISO 8601 UTC. */
  readonly recordedAt: string;
  readonly actorId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly data: unknown;
}

/** The body of a delivery: a webhook POST, or a NATS message a reaction sent (`notify:`). */
export interface DeliveryBody {
  /** Derived from (reaction, event): the same on every retry; receivers de-duplicate on it. */
  readonly deliveryId: string;
  /** `<domain>.<reaction>` */
  readonly reaction: string;
  readonly event: WireEvent;
}

/** The body of a public event the forwarder publishes to NATS: no reaction sent it. */
export interface ForwardedBody {
  readonly event: WireEvent;
}

/**
 * The wire object of an event: an EventRecord as code reads it (upcast: type, version and data
 * of the current schema) or a StoredEvent as stored (the version it was written with).
 */
export function toWireEvent(event: EventRecord | StoredEvent): WireEvent {
  const [type, version, data] = "event" in event ? [event.event.type, event.event.version, event.event.data] : [event.type, event.schemaVersion, event.data];
  return {
    id: event.eventId,
    type,
    version,
    tenant: event.tenant,
    streamType: event.streamType,
    streamId: event.streamId,
    streamVersion: event.version,
    recordedAt: event.recordedAt,
    actorId: event.actorId,
    correlationId: event.correlationId,
    causationId: event.causationId,
    data,
  };
}

export function deliveryBody(event: EventRecord | StoredEvent, context: DeliveryContext): DeliveryBody {
  return { deliveryId: context.deliveryId, reaction: context.reaction, event: toWireEvent(event) };
}

/** `https://user:pw@host:8443/hook?token=…` → `https://host:8443`: what messages may name. */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
