import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { createAggregateService } from "../command/service.js";
import { createLookups } from "../lookups/reader.js";
import { NotFoundError } from "../errors.js";
import { streamDefinitionsOf, viewsOf, type DomainDefinition } from "../domain.js";
import { unrestrictedPolicy } from "../policy.js";
import type { EventRecord, EventStore, StoredEvent } from "../store/types.js";
import { catchUp, createUpcaster } from "../subscription.js";
import { WakeablePause } from "../wake.js";
import { createProjector } from "../views/projector.js";
import { reactionId, type AnyReactionDefinition, type Deliver } from "./definition.js";
import { describeFailure, dispatch, isRetryable, type AnyService, type ReactionEnvironment } from "./dispatch.js";
import { reactionDeliveryId } from "./ids.js";
import { acquireLease, releaseLease } from "./lease.js";
import { cancelledAfter, dueTimers, eventById, finishTimer, insertTimer, park, retriesOf, setParkedStatus, type TimerRow } from "./tables.js";
import { holdsBack, settle } from "../settle.js";

/**
 * Runs a project's reactions: one worker per reaction (a catch-up subscription with its own
 * checkpoint, `reaction:<domain>.<name>`), one for the durable timers, one per asynchronous
 * view (`view:<domain>.<name>`, src/runtime/views/projector.ts), and any extra
 * workers (forwarders). Each worker runs under a lease, so among replicas on one database
 * one at a time does its work; a replica that dies hands it over when its lease expires.
 * Effects happen once: a command's id is derived from (reaction, event, index), so a
 * redelivery is answered from the recorded outcome; deliveries outside are at least once
 * with a stable delivery id.
 */
export interface ReactionWorkerOptions {
  readonly domains: readonly DomainDefinition[];
  /** Integrations by name, for `notify` reactions. */
  readonly delivers?: Readonly<Record<string, Deliver>>;
  /** More leased workers: each pass does what there is and returns how much it did. */
  readonly workers?: readonly ExtraWorker[];
  /** This process, in leases (default host:pid:random). */
  readonly holder?: string;
  /** How long a lease lasts unless renewed (default 15 s). */
  readonly leaseMs?: number;
  /** Wait between passes when there was nothing to do (default 200 ms); the fallback when no commit wakes a worker. */
  readonly pollIntervalMs?: number;
  /** A worker whose events were just committed starts its pass at once (default true; store.onCommit). */
  readonly wakeOnCommit?: boolean;
  /** Attempts of one delivery before it is parked (default 5). */
  readonly maxAttempts?: number;
  /**
   * Attempts when the target stream does not exist (default 10, about 80 s with the backoff):
   * reactions run side by side, so a stream another reaction creates may not be there yet.
   */
  readonly missingTargetAttempts?: number;
  /** First wait between attempts; doubled each time, at most 30 s (default 200 ms). */
  readonly retryDelayMs?: number;
  /** The clock timers are due by (tests move it). */
  readonly now?: () => Date;
  /** A worker's pass failed (database down, say); it tries again after a pause. */
  readonly onError?: (error: unknown, worker: string) => void;
  /** A delivery was parked after its attempts. */
  readonly onParked?: (parked: { reaction: string; eventId: string; id: string; error: unknown }) => void;
}

export interface ExtraWorker {
  readonly name: string;
  pass(): Promise<number>;
  /** Which commits are worth a pass now (the stream type; undefined: anything may have been); default every commit. */
  wakesFor?(streamType: string | undefined): boolean;
}

export interface ReactionWorkers {
  /** Lets the current passes finish, stops, and releases the leases. */
  stop(): Promise<void>;
}

interface Worker extends ExtraWorker {
  wakesFor(streamType: string | undefined): boolean;
}

const everyCommit = () => true;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function reactionsOf(domains: readonly DomainDefinition[]): AnyReactionDefinition[] {
  return domains.flatMap((d) => d.reactions ?? []);
}

/** The views kept by a projection worker (docs/views.md "Asynchronous views"). */
export function asyncViewsOf(domains: readonly DomainDefinition[]) {
  return viewsOf(domains).filter((v) => v.async === true);
}

function environmentOf(store: EventStore, options: ReactionWorkerOptions): ReactionEnvironment {
  const services = new Map<string, AnyService>();
  const readers = new Map<string, AnyService>();
  const views = viewsOf(options.domains);
  const lookups = createLookups(store, options.domains);
  for (const domain of options.domains) {
    for (const { definition } of domain.aggregates) {
      const streamType = `${definition.domain}.${definition.aggregate}`;
      services.set(streamType, createAggregateService(store, definition, { policy: domain.policy, views, lookups }));
      readers.set(streamType, createAggregateService(store, definition, { policy: unrestrictedPolicy, cacheSize: 0 }));
    }
  }
  return { services, readers, delivers: options.delivers ?? {} };
}

/**
 * The passes of every worker, without loops or leases: what `startReactionWorkers` runs,
 * and what tests drive one step at a time.
 */
export function createReactionWorkers(store: EventStore, options: ReactionWorkerOptions): Worker[] {
  const env = environmentOf(store, options);
  const reactions = reactionsOf(options.domains);
  const byId = new Map(reactions.map((r) => [reactionId(r), r]));
  const upcast = createUpcaster(streamDefinitionsOf(options.domains));
  const now = options.now ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 5;
  const missingTargetAttempts = options.missingTargetAttempts ?? Math.max(maxAttempts, 10);
  const retryDelayMs = options.retryDelayMs ?? 200;
  const db = store.database;

  const recordOf = (stored: StoredEvent): EventRecord => {
    const record = upcast(stored);
    if (!record) throw new Error(`No aggregate of the project has stream type ${stored.streamType}.`);
    return record;
  };

  /** Attempts with backoff; parks the delivery when they run out or retrying cannot help. */
  async function deliver(reaction: AnyReactionDefinition, record: EventRecord): Promise<"done" | "parked"> {
    const id = reactionId(reaction);
    for (let attempt = 1; ; attempt++) {
      try {
        await dispatch(reaction, record, env);
        return "done";
      } catch (error) {
        // A missing target is usually another reaction's stream not created yet: it gets more patience.
        const attempts = error instanceof NotFoundError ? missingTargetAttempts : maxAttempts;
        if (attempt < attempts && isRetryable(error)) {
          await sleep(Math.min(30_000, retryDelayMs * 2 ** (attempt - 1)));
          continue;
        }
        const parkedId = reactionDeliveryId(id, record.eventId);
        await park(db, { id: parkedId, tenant: record.tenant, reaction: id, eventId: record.eventId, attempts: attempt, error: describeFailure(error) }, now());
        options.onParked?.({ reaction: id, eventId: record.eventId, id: parkedId, error });
        return "parked";
      }
    }
  }

  /** `at` or `after`: when the timer of this event fires; undefined when the event names no time. */
  function fireAt(reaction: AnyReactionDefinition, record: EventRecord): string | undefined {
    const delay = reaction.delay;
    if (!delay) return undefined;
    if (delay.kind === "after") return new Date(Date.parse(record.recordedAt) + delay.milliseconds).toISOString();
    const text = delay.time(record);
    if (text === undefined) return undefined;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }

  const reactionWorker = (reaction: AnyReactionDefinition): Worker => {
    const id = reactionId(reaction);
    const streamType = reaction.on.streamType;
    return {
      name: `reaction:${id}`,
      wakesFor: (committed) => committed === undefined || committed === streamType,
      async pass() {
        let done = 0;
        // Deliveries an operator asked to run again (`fluvius reactions retry`).
        for (const retry of await retriesOf(db, id, 100)) {
          const stored = await eventById(db, retry.tenant, retry.eventId);
          if (!stored) continue;
          const outcome = await deliver(reaction, recordOf(stored));
          if (outcome === "done") {
            await setParkedStatus(db, retry.id, ["retry"], "resolved", now());
            if (reaction.delay) await finishTimer(db, { tenant: retry.tenant, reaction: id, eventId: retry.eventId }, "fired", now());
          }
          done++;
        }
        done += await catchUp(store, {
          name: `reaction:${id}`,
          streamTypes: [reaction.on.streamType],
          handle: async (stored) => {
            if (stored.type !== reaction.on.eventType) return;
            const record = recordOf(stored);
            if (reaction.when && !reaction.when(record)) return;
            if (!reaction.delay) {
              await deliver(reaction, record);
              return;
            }
            const at = fireAt(reaction, record);
            if (at === undefined) return;
            await insertTimer(
              db,
              {
                tenant: record.tenant,
                reaction: id,
                eventId: record.eventId,
                streamType: record.streamType,
                streamId: record.streamId,
                streamVersion: record.version,
                fireAt: at,
              },
              now(),
            );
          },
        });
        return done;
      },
    };
  };

  const timerWorker: Worker = {
    name: "timers",
    // Timers come due with time, not with commits: the poll finds them.
    wakesFor: () => false,
    async pass() {
      const due = await dueTimers(db, now(), 100);
      for (const timer of due) await fire(timer);
      return due.length;
    },
  };

  async function fire(timer: TimerRow): Promise<void> {
    const reaction = byId.get(timer.reaction);
    // A reaction removed from the spec: its timers lapse.
    if (!reaction || (await cancelledAfter(db, timer, reaction.cancelledBy ?? []))) {
      await finishTimer(db, timer, "cancelled", now());
      return;
    }
    const stored = await eventById(db, timer.tenant, timer.eventId);
    if (!stored) {
      await finishTimer(db, timer, "cancelled", now());
      return;
    }
    const outcome = await deliver(reaction, recordOf(stored));
    await finishTimer(db, timer, outcome === "done" ? "fired" : "parked", now());
  }

  const definitions = options.domains.flatMap((d) => d.aggregates.map((a) => a.definition));
  const projectors = asyncViewsOf(options.domains).map((view): Worker => {
    const projector = createProjector(store, { view, definitions, now, ...(options.onParked && { onParked: options.onParked }) });
    const types = new Set(projector.streamTypes);
    return { name: projector.name, pass: () => projector.pass(), wakesFor: (committed) => committed === undefined || types.has(committed) };
  });

  return [
    ...reactions.map(reactionWorker),
    ...(reactions.some((r) => r.delay) ? [timerWorker] : []),
    ...projectors,
    ...(options.workers ?? []).map((w) => ({ wakesFor: everyCommit, ...w })),
  ];
}

/**
 * Runs every worker's passes until nothing is left to do (tests); returns the work done.
 * A round that finds nothing is the end only once every committed event is readable: on a
 * shared PostgreSQL server an older transaction elsewhere may still hold some back (settle).
 */
export async function drainReactions(store: EventStore, options: ReactionWorkerOptions): Promise<number> {
  const workers = createReactionWorkers(store, options);
  let total = 0;
  for (let round = 0; round < 1000; round++) {
    // Whether this round's reads could see every event committed before it began: the fence
    // may move while the round runs, so a settle after an empty round would come too late.
    const sawEverything = !holdsBack(await store.fence());
    let done = 0;
    for (const worker of workers) done += await worker.pass();
    total += done;
    if (done > 0) continue;
    if (sawEverything) return total;
    await settle(store);
  }
  return total;
}

/** Starts every worker in a loop under its lease (see ReactionWorkerOptions). */
export function startReactionWorkers(store: EventStore, options: ReactionWorkerOptions): ReactionWorkers {
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 15_000;
  const pollMs = options.pollIntervalMs ?? 200;
  let stopped = false;
  const workers = createReactionWorkers(store, options);
  const idleOf = new Map(workers.map((worker) => [worker, new WakeablePause()]));
  // Without the lease, a worker waits for it to lapse; only stop() ends that wait early.
  const standbyOf = new Map(workers.map((worker) => [worker, new WakeablePause()]));
  const unsubscribe =
    options.wakeOnCommit === false
      ? () => undefined
      : store.onCommit((streamType) => {
          for (const [worker, idle] of idleOf) if (worker.wakesFor(streamType)) idle.wake();
        });

  const loops = workers.map(async (worker) => {
    const [idle, standby] = [idleOf.get(worker)!, standbyOf.get(worker)!];
    const lease = `worker:${worker.name}`;
    let held = false;
    while (!stopped) {
      try {
        held = await acquireLease(store.database, lease, holder, leaseMs);
        if (held) {
          // Renewed while a long pass runs (retries with backoff), so no replica takes over a live worker.
          const renew = setInterval(() => void acquireLease(store.database, lease, holder, leaseMs).catch(() => undefined), leaseMs / 3);
          try {
            if ((await worker.pass()) > 0 && !stopped) continue;
          } finally {
            clearInterval(renew);
          }
        }
      } catch (error) {
        options.onError?.(error, worker.name);
        if (!stopped) await idle.pause(Math.max(pollMs, 1000));
        continue;
      }
      if (!stopped) await (held ? idle.idle(pollMs) : standby.pause(Math.min(leaseMs / 3, Math.max(pollMs, 1000))));
    }
    if (held) await releaseLease(store.database, lease, holder).catch(() => undefined);
  });

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      for (const pause of [...idleOf.values(), ...standbyOf.values()]) pause.wake();
      await Promise.all(loops);
    },
  };
}
