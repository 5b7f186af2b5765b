import { isUuid } from "../actor.js";
import type { AggregateDefinition, EventMeta, EventShape } from "../definition.js";
import type { EventRecord } from "../store/types.js";
import { changesOf, type ViewDefinition, type ViewSource, type ViewWrite } from "./definition.js";

/** The events' envelope as the command pipeline knows it before the write (positions come with the commit). */
export interface PendingEnvelope {
  readonly tenant: string;
  readonly streamType: string;
  readonly streamId: string;
  readonly fromVersion: number;
  readonly recordedAt: string;
  readonly actorId: string | null;
  readonly eventIds: readonly string[];
  readonly commandId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface ViewSourceOf {
  readonly view: ViewDefinition;
  readonly source: ViewSource<EventShape, unknown>;
}

/**
 * Applies new events one at a time (as applyNew does) and collects, after each, the change
 * every view fed by it makes: a view reads the source's state after that event, not after the
 * whole command. Values are copied out at once, since evolve may update the state in place.
 */
export function applyWithViews<S, E extends EventShape>(
  definition: Pick<AggregateDefinition<S, E, object>, "evolve">,
  state: S,
  events: readonly E[],
  envelope: PendingEnvelope,
  sources: readonly ViewSourceOf[],
): { readonly next: S; readonly writes: ViewWrite[] } {
  let next = state;
  const writes: ViewWrite[] = [];
  events.forEach((event, i) => {
    const version = envelope.fromVersion + i + 1;
    const meta: EventMeta = { recordedAt: envelope.recordedAt, actorId: envelope.actorId, version };
    const fed = sources.filter((s) => s.source.eventType === event.type);
    // evolve may change the state in place: a source that reads the state before gets a copy.
    const before = fed.some((s) => s.source.usesBefore) ? structuredClone(next) : undefined;
    next = definition.evolve(next, event, meta);
    if (fed.length === 0) return;
    const record: EventRecord<E> = {
      tenant: envelope.tenant,
      streamType: envelope.streamType,
      streamId: envelope.streamId,
      version,
      eventId: envelope.eventIds[i] ?? "",
      recordedAt: envelope.recordedAt,
      actorId: envelope.actorId,
      commandId: envelope.commandId,
      correlationId: envelope.correlationId,
      causationId: envelope.causationId,
      metadata: envelope.metadata,
      // Not known before the commit; views never read them.
      transactionId: 0n,
      position: 0n,
      event,
      storedSchemaVersion: event.version,
    };
    for (const { view, source } of fed) {
      for (const change of changesOf(source.change(record, next, before)))
        writes.push(structuredClone({ table: view.table, key: change.key, operations: change.operations }));
    }
  });
  return { next, writes };
}

/**
 * The first value bound for a uuid column of a view (a key part or a `set`) that is not a
 * UUID, if any: `$event.actorId` is a token's subject, which need not be one, and the database
 * would refuse it mid-write (a 500) instead of the command being refused.
 */
export function nonUuidViewValue(writes: readonly ViewWrite[]): { readonly field: string; readonly value: unknown } | undefined {
  for (const write of writes) {
    for (const [i, column] of write.table.key.entries()) {
      const value = write.key[i];
      if (column.sqlType === "uuid" && !(typeof value === "string" && isUuid(value))) return { field: column.field, value };
    }
    for (const op of write.operations) {
      if (!("value" in op) || op.value === null || op.value === undefined) continue;
      const column = write.table.columns.find((c) => c.field === op.field);
      if (column?.sqlType === "uuid" && !(typeof op.value === "string" && isUuid(op.value))) return { field: op.field, value: op.value };
    }
  }
  return undefined;
}
