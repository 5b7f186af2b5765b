import type { Sql } from "../db/database.js";
import type { AnyAggregateDefinition } from "../definition.js";
import { reactionDeliveryId } from "../reactions/ids.js";
import { eventById, park, retriesOf, setParkedStatus } from "../reactions/tables.js";
import type { Checkpoint, EventRecord, EventStore, RecordedRejection, StoredEvent } from "../store/types.js";
import { createUpcaster } from "../subscription.js";
import { lockCheckpoint, moveCheckpoint, sameCheckpoint } from "./checkpoint.js";
import { changesOf, type ViewDefinition } from "./definition.js";
import { replayStatement, type ReplayedWrite } from "./sql.js";
import { StreamStates } from "./stream-states.js";

/**
 * The projection worker of one asynchronous view (docs/views.md "Asynchronous views"): it
 * reads the view's source events after its checkpoint, in the log's order and behind the
 * commit fence, and applies their changes and the new checkpoint in one transaction, so
 * nothing is applied twice or skipped, across crashes too. An event whose change fails (the
 * projector throws, a value does not fit its column) is parked and the view goes on; other
 * views have workers of their own.
 */
export interface ProjectorOptions {
  readonly view: ViewDefinition;
  /** The project's aggregates: the sources' states are folded with them. */
  readonly definitions: readonly AnyAggregateDefinition[];
  /** Events per transaction (default 500). */
  readonly batchSize?: number;
  readonly now: () => Date;
  readonly onParked?: (parked: { reaction: string; eventId: string; id: string; error: unknown }) => void;
}

export interface Projector {
  /** `view:<domain>.<name>`: its checkpoint, its lease (`worker:` + name) and its parked events. */
  readonly name: string;
  readonly streamTypes: readonly string[];
  /** Applies what there is (and the retries asked for); returns how many events it handled. */
  pass(): Promise<number>;
}

export function projectorName(view: Pick<ViewDefinition, "domain" | "name">): string {
  return `view:${view.domain}.${view.name}`;
}

/** What one event does to the view: its rows' changes, or why it was parked. */
type Outcome = { readonly event: StoredEvent; readonly writes: readonly ReplayedWrite[]; readonly failure?: unknown };

export function createProjector(store: EventStore, options: ProjectorOptions): Projector {
  const { view } = options;
  const name = projectorName(view);
  const streamTypes = [...new Set(view.sources.map((s) => s.streamType))];
  const states = new StreamStates(store, options.definitions);
  const upcast = createUpcaster(options.definitions);
  const batchSize = options.batchSize ?? 500;
  const db = store.database;

  async function outcomeOf(stored: StoredEvent): Promise<Outcome> {
    const sources = view.sources.filter((s) => s.streamType === stored.streamType && s.eventType === stored.type);
    if (sources.length === 0) return { event: stored, writes: [] };
    const record: EventRecord | undefined = upcast(stored);
    if (!record || !states.has(stored.streamType))
      throw new Error(`View ${view.domain}.${view.name} is fed by ${stored.streamType}, which no aggregate of the project has; regenerate the code.`);
    // Reading the state may fail for reasons that pass (the database): that is thrown, the worker tries again.
    const needsState = sources.some((s) => s.usesState !== false || s.usesBefore === true);
    const { before, after } = needsState
      ? await states.around(
          stored,
          sources.some((s) => s.usesBefore === true),
        )
      : { before: undefined, after: undefined };
    // What the view's own code does with the event is parked when it fails: it fails the same way next time.
    try {
      const writes: ReplayedWrite[] = [];
      for (const source of sources) {
        for (const change of changesOf(source.change(record, after, before))) {
          writes.push(structuredClone({ table: view.table, tenant: stored.tenant, at: stored.recordedAt, key: change.key, operations: change.operations }));
        }
      }
      return { event: stored, writes };
    } catch (failure) {
      return { event: stored, writes: [], failure };
    }
  }

  async function parkIn(sql: Sql, outcome: Outcome): Promise<void> {
    const { event } = outcome;
    const id = reactionDeliveryId(name, event.eventId);
    await park(sql, { id, tenant: event.tenant, reaction: name, eventId: event.eventId, attempts: 1, error: describe(outcome.failure) }, options.now());
  }

  async function write(sql: Sql, outcomes: readonly Outcome[]): Promise<void> {
    const writes = outcomes.flatMap((o) => (o.failure === undefined ? o.writes : []));
    if (writes.length > 0) {
      const statement = replayStatement(writes);
      await sql.query(statement.text, statement.values);
    }
    for (const o of outcomes) if (o.failure !== undefined) await parkIn(sql, o);
  }

  /** One transaction: the rows and the checkpoint; false when the checkpoint had moved (nothing written). */
  async function commit(from: Checkpoint, outcomes: readonly Outcome[]): Promise<boolean> {
    const last = outcomes.at(-1)!.event;
    return db.transaction(async (sql) => {
      if (!sameCheckpoint(await lockCheckpoint(sql, name), from)) return false;
      await write(sql, outcomes);
      await moveCheckpoint(sql, name, { transactionId: last.transactionId, position: last.position });
      return true;
    });
  }

  function reportParked(outcomes: readonly Outcome[]): void {
    for (const o of outcomes) {
      if (o.failure !== undefined)
        options.onParked?.({ reaction: name, eventId: o.event.eventId, id: reactionDeliveryId(name, o.event.eventId), error: o.failure });
    }
  }

  /** Parked events an operator asked to apply again (`fluvius reactions retry`): out of the log's order, documented. */
  async function retry(): Promise<number> {
    const retries = await retriesOf(db, name, 100);
    for (const parked of retries) {
      const stored = await eventById(db, parked.tenant, parked.eventId);
      if (!stored) continue;
      let outcome = await outcomeOf(stored);
      const apply = (o: Outcome) =>
        db.transaction(async (sql) => {
          await write(sql, [o]);
          if (o.failure === undefined) await setParkedStatus(sql, parked.id, ["retry"], "resolved", options.now());
        });
      try {
        await apply(outcome);
      } catch (error) {
        if (!isDataError(error)) throw error;
        outcome = { ...outcome, failure: error };
        await apply(outcome);
      }
      reportParked([outcome]);
    }
    return retries.length;
  }

  return {
    name,
    streamTypes,
    async pass() {
      let done = await retry();
      for (;;) {
        const from = await store.loadCheckpoint(name);
        const batch = await store.readCommitted({ after: from, limit: batchSize, streamTypes });
        if (batch.length === 0) return done;
        const outcomes: Outcome[] = [];
        for (const event of batch) outcomes.push(await outcomeOf(event));
        let moved: boolean;
        try {
          moved = await commit(from, outcomes);
        } catch (error) {
          if (!isDataError(error)) throw error;
          // A row the database refuses (a value that does not fit its column): find the event, park it, go on.
          moved = await commitOneByOne(from, outcomes);
        }
        if (!moved) {
          // The checkpoint moved under us (a rebuild, or another holder): start again from where it is.
          states.clear();
          return done;
        }
        reportParked(outcomes);
        done += batch.length;
        if (batch.length < batchSize) return done;
      }
    },
  };

  async function commitOneByOne(start: Checkpoint, outcomes: Outcome[]): Promise<boolean> {
    let from = start;
    for (const [i, outcome] of outcomes.entries()) {
      let moved: boolean;
      try {
        moved = await commit(from, [outcome]);
      } catch (error) {
        if (!isDataError(error)) throw error;
        outcomes[i] = { ...outcome, failure: error };
        moved = await commit(from, [outcomes[i]!]);
      }
      if (!moved) return false;
      from = { transactionId: outcome.event.transactionId, position: outcome.event.position };
    }
    return true;
  }
}

/** PostgreSQL's data exceptions (22…) and constraint violations (23…): retrying the same write cannot help. */
function isDataError(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^2[23][0-9A-Z]{3}$/.test(code);
}

function describe(failure: unknown): RecordedRejection {
  const message = failure instanceof Error ? failure.message : String(failure);
  return { code: "projection-failed", message, details: failure instanceof Error ? { name: failure.name } : {} };
}
