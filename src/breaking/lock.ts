import type { Model } from "../model/model.js";
import { compareFields, fieldsOf, type Fields } from "./shape.js";

/**
 * The event lock (`fluvius.lock.json`, committed): for every event type and version the
 * project ever had, the shape of its data. Stored events are history; the lock is the contract
 * they were written under. `fluvius generate` adds what is new and widens an entry by a
 * compatible change (an optional field added); it never rewrites an entry a change breaks, so
 * `fluvius breaking --lock` still sees the break. An event removed from the specs stays locked.
 */
export const LOCK_NAME = "fluvius.lock.json";

export interface EventLock {
  readonly lockVersion: 1;
  /** `<domain>.<aggregate>.<event>` → schema version → the data's fields. */
  readonly events: Readonly<Record<string, Readonly<Record<string, Fields>>>>;
}

/** Every event of the model at its current version. */
export function currentEvents(model: Model): Map<string, { readonly version: number; readonly fields: Fields }> {
  const events = new Map<string, { version: number; fields: Fields }>();
  for (const domain of model.domains) {
    for (const aggregate of domain.aggregates) {
      for (const event of aggregate.events)
        events.set(`${domain.name}.${aggregate.name}.${event.name}`, { version: event.version, fields: fieldsOf(event.payload) });
    }
  }
  return events;
}

export function nextLock(previous: EventLock | undefined, model: Model): EventLock {
  const events: Record<string, Record<string, Fields>> = {};
  for (const [type, versions] of Object.entries(previous?.events ?? {})) events[type] = { ...versions };
  for (const [type, current] of currentEvents(model)) {
    const versions = (events[type] ??= {});
    const locked = versions[String(current.version)];
    if (locked === undefined || compareFields(locked, current.fields, "stored").length === 0) versions[String(current.version)] = current.fields;
  }
  return { lockVersion: 1, events };
}

/** Deterministic text: keys sorted at every level, two-space indentation, a final newline. */
export function serializeLock(lock: EventLock): string {
  const about =
    "fluvius event lock: the data of every event type and version the project has had. Commit it; `fluvius generate` keeps it, `fluvius breaking --lock` checks against it.";
  return `${JSON.stringify({ $comment: about, ...(sortedDeep(lock) as object) }, null, 2)}\n`;
}

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedDeep((value as Record<string, unknown>)[k])]),
  );
}

/** The lock in a file's text, or why it cannot be read. */
export function parseLock(text: string): EventLock | { readonly problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problem: `it is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof data !== "object" || data === null || (data as { lockVersion?: unknown }).lockVersion !== 1) return { problem: "it has no `lockVersion: 1`" };
  const events = (data as { events?: unknown }).events;
  if (typeof events !== "object" || events === null) return { problem: "it has no `events`" };
  return { lockVersion: 1, events: events as EventLock["events"] };
}
