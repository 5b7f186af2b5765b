/**
 * Section 2 of `npm run bench`: the runtime on PostgreSQL and on PGlite.
 *
 * Every contender runs in its own worker process (bench/runtime/worker.ts) on its own
 * database (PostgreSQL: a throwaway database on the same server; PGlite: its own data
 * folder). Runs are interleaved: round r runs every contender once, in an order rotated
 * each round, so drift on a shared machine hits all of them alike; ratios are taken per
 * round (paired) and then summarised as median, min and max.
 */
import { pairedRatio, stats, type Stats } from "../lib/measure.js";
import { benchReactions, benchScale, type ReactionBenchOptions, type ReactionFigures, type ScaleFigures } from "./reactions-bench.js";
import { rotate, startAll, type Backend } from "./start.js";
import type { LoadRun } from "./subjects/load.js";
import type { SubscriptionRun } from "./subjects/subscription.js";
import type { Throughput } from "./throughput.js";
import { benchCosts, benchProjection, type CostFigures, type ProjectionFigures } from "./views-bench.js";
import { benchLists, type ListFigures } from "./lists-bench.js";

export { rotate, startAll, type Backend } from "./start.js";

export const CONTENDERS = {
  fluvius: "fluvius",
  "fluvius-nocache": "fluvius, stream cache off",
  "raw-tx": "raw INSERT, own transaction",
  "raw-autocommit": "raw INSERT, autocommit",
  emmett: "Emmett (PostgreSQL event store)",
} as const;

export type ContenderId = keyof typeof CONTENDERS;

export interface RuntimeOptions {
  readonly backends: readonly Backend[];
  readonly concurrency: readonly number[];
  readonly runs: number;
  /** Measured seconds per command run. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Pool size of every contender on PostgreSQL. */
  readonly poolSize: number;
  /** Length of the stream the load benchmark reads. */
  readonly loadEvents: number;
  /** Seconds of repeated loads per load run. */
  readonly loadSeconds: number;
  /** Events the subscription benchmark catches up on. */
  readonly subscriptionEvents: number;
  /** Reactions and the big store (issue 12). */
  readonly reactions: Omit<ReactionBenchOptions, "runs" | "poolSize">;
  /** Asynchronous views and the costs on commands: events per projection round, clients of the command runs. */
  readonly views: { readonly projectionEvents: number; readonly clients: number };
  /** Lists at scale (PostgreSQL): rows of the read model. */
  readonly lists: { readonly rows: number };
  readonly log?: (line: string) => void;
}

export interface ContenderFigures {
  readonly id: ContenderId;
  readonly label: string;
  /** Commands (or rows) per second. */
  readonly perSecond: Stats;
  readonly samples: number[];
  /** Against raw INSERT in its own transaction, same round. */
  readonly vsRawTransaction: Stats;
  /** Against raw autocommitted INSERT, same round. */
  readonly vsRawAutocommit: Stats;
  /** Against Emmett, same round (PostgreSQL only). */
  readonly vsEmmett?: Stats;
}

export interface CommandFigures {
  readonly clients: number;
  readonly contenders: ContenderFigures[];
}

export interface LoadFigures {
  readonly events: number;
  /** Events after the snapshot. */
  readonly tail: number;
  readonly snapshot: Stats;
  readonly noSnapshot: Stats;
  readonly raw: Stats;
  readonly emmett?: Stats;
  /** no-snapshot time / snapshot time, same round (the snapshot's speed-up). */
  readonly snapshotSpeedup: Stats;
  /** no-snapshot time / raw read time, same round. */
  readonly noSnapshotVsRaw: Stats;
  /** Emmett time / fluvius no-snapshot time, same round (> 1: fluvius faster). */
  readonly emmettVsNoSnapshot?: Stats;
}

export interface SubscriptionFigures {
  readonly events: number;
  readonly batchSize: number;
  readonly catchUp: Stats;
  readonly raw: Stats;
  /** catch-up events/s over raw events/s, same round. */
  readonly vsRaw: Stats;
}

export interface BackendFigures {
  readonly backend: Backend;
  readonly commands: CommandFigures[];
  readonly load: LoadFigures;
  readonly subscription: SubscriptionFigures;
  /** Absent in results written before issue 12's benchmark. */
  readonly reactions?: ReactionFigures;
  readonly scale?: ScaleFigures;
  /** Absent in results written before asynchronous views' benchmark. */
  readonly projection?: ProjectionFigures;
  readonly costs?: CostFigures;
  /** Absent in results written before lists at scale were measured, and on PGlite. */
  readonly lists?: ListFigures;
}

export interface RuntimeResult {
  readonly runs: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly poolSize: number;
  readonly accounts: number;
  readonly backends: BackendFigures[];
}

async function benchCommands(backend: Backend, options: RuntimeOptions, log: (line: string) => void): Promise<CommandFigures[]> {
  const ids = (Object.keys(CONTENDERS) as ContenderId[]).filter((id) => backend === "postgres" || id !== "emmett");
  const { workers, stop } = await startAll(backend, ids, options.poolSize);
  try {
    for (const worker of workers.values()) await worker.call("setup");
    const out: CommandFigures[] = [];
    for (const clients of options.concurrency) {
      const samples = new Map<ContenderId, number[]>(ids.map((id) => [id, []]));
      for (let round = 0; round < options.runs; round++) {
        const line: string[] = [];
        for (const id of rotate(ids, round)) {
          const result = await workers.get(id)!.call<Throughput>("run", { clients, seconds: options.seconds, warmupSeconds: options.warmupSeconds });
          samples.get(id)!.push(result.perSecond);
          line.push(`${id} ${result.perSecond.toFixed(0)}/s`);
        }
        log(`  ${backend}, ${clients} client${clients === 1 ? "" : "s"}, round ${round + 1}/${options.runs}: ${line.join(", ")}`);
      }
      const of = (id: ContenderId) => samples.get(id)!;
      out.push({
        clients,
        contenders: ids.map((id) => ({
          id,
          label: CONTENDERS[id],
          perSecond: stats(of(id)),
          samples: of(id),
          vsRawTransaction: pairedRatio(of(id), of("raw-tx")),
          vsRawAutocommit: pairedRatio(of(id), of("raw-autocommit")),
          ...(ids.includes("emmett") && { vsEmmett: pairedRatio(of(id), of("emmett")) }),
        })),
      });
    }
    return out;
  } finally {
    await stop();
  }
}

async function benchLoad(backend: Backend, options: RuntimeOptions, log: (line: string) => void): Promise<LoadFigures> {
  const subjects = backend === "postgres" ? (["load-fluvius", "load-emmett"] as const) : (["load-fluvius"] as const);
  const { workers, stop } = await startAll(backend, subjects, options.poolSize);
  try {
    const fluvius = workers.get("load-fluvius")!;
    const emmett = workers.get("load-emmett" as (typeof subjects)[number]);
    const started = performance.now();
    await fluvius.call("setup", options.loadEvents);
    await emmett?.call("setup", options.loadEvents);
    log(`  ${backend}: wrote the ${options.loadEvents}-event streams in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    type Variant = "snapshot" | "no-snapshot" | "raw" | "emmett";
    const variants: Variant[] = emmett ? ["snapshot", "no-snapshot", "raw", "emmett"] : ["snapshot", "no-snapshot", "raw"];
    const samples = new Map<Variant, number[]>(variants.map((v) => [v, []]));
    const measure = (v: Variant) => (v === "emmett" ? emmett!.call<LoadRun>("run", options.loadSeconds) : fluvius.call<LoadRun>("run", v, options.loadSeconds));
    for (const v of variants) await measure(v); // warm-up
    for (let round = 0; round < options.runs; round++) {
      const line: string[] = [];
      for (const v of rotate(variants, round)) {
        const run = await measure(v);
        samples.get(v)!.push(run.msPerLoad);
        line.push(`${v} ${run.msPerLoad.toFixed(1)} ms`);
      }
      log(`  ${backend}, load ${options.loadEvents} events, round ${round + 1}/${options.runs}: ${line.join(", ")}`);
    }
    const of = (v: Variant) => samples.get(v)!;
    return {
      events: options.loadEvents,
      tail: 99,
      snapshot: stats(of("snapshot")),
      noSnapshot: stats(of("no-snapshot")),
      raw: stats(of("raw")),
      snapshotSpeedup: pairedRatio(of("no-snapshot"), of("snapshot")),
      noSnapshotVsRaw: pairedRatio(of("no-snapshot"), of("raw")),
      ...(emmett && { emmett: stats(of("emmett")), emmettVsNoSnapshot: pairedRatio(of("emmett"), of("no-snapshot")) }),
    };
  } finally {
    await stop();
  }
}

async function benchSubscription(backend: Backend, options: RuntimeOptions, log: (line: string) => void): Promise<SubscriptionFigures> {
  const { workers, stop } = await startAll(backend, ["subscription-fluvius"] as const, options.poolSize);
  try {
    const worker = workers.get("subscription-fluvius")!;
    const started = performance.now();
    await worker.call("setup", options.subscriptionEvents);
    log(`  ${backend}: wrote ${options.subscriptionEvents} events for the subscription in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const variants = ["catch-up", "raw"] as const;
    const samples = new Map<string, number[]>(variants.map((v) => [v, []]));
    for (const v of variants) await worker.call<SubscriptionRun>("run", v); // warm-up
    for (let round = 0; round < options.runs; round++) {
      const line: string[] = [];
      for (const v of rotate(variants, round)) {
        const run = await worker.call<SubscriptionRun>("run", v);
        samples.get(v)!.push(run.perSecond);
        line.push(`${v} ${run.perSecond.toFixed(0)} events/s`);
      }
      log(`  ${backend}, subscription, round ${round + 1}/${options.runs}: ${line.join(", ")}`);
    }
    const catchUp = samples.get("catch-up")!;
    const raw = samples.get("raw")!;
    return { events: options.subscriptionEvents, batchSize: 100, catchUp: stats(catchUp), raw: stats(raw), vsRaw: pairedRatio(catchUp, raw) };
  } finally {
    await stop();
  }
}

export async function benchRuntime(options: RuntimeOptions): Promise<RuntimeResult> {
  const log = options.log ?? (() => undefined);
  const backends: BackendFigures[] = [];
  for (const backend of options.backends) {
    log(`runtime on ${backend === "postgres" ? "PostgreSQL" : "PGlite"}`);
    let t = performance.now();
    const lap = (what: string) => {
      log(`  ${backend} ${what}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
      t = performance.now();
    };
    const commands = await benchCommands(backend, options, log);
    lap("commands");
    const load = await benchLoad(backend, options, log);
    lap("load");
    const subscription = await benchSubscription(backend, options, log);
    lap("subscription");
    const reactionOptions = { ...options.reactions, runs: options.runs, poolSize: options.poolSize };
    const reactions = await benchReactions(backend, reactionOptions, log);
    lap("reactions");
    const scale = await benchScale(backend, reactionOptions, log);
    lap("scale");
    const viewOptions = { ...options.views, runs: options.runs, poolSize: options.poolSize, seconds: options.seconds, warmupSeconds: options.warmupSeconds };
    const projection = await benchProjection(backend, viewOptions, log);
    lap("asynchronous view");
    const costs = await benchCosts(backend, viewOptions, log);
    lap("costs");
    const lists = await benchLists(
      backend,
      { ...options.lists, runs: options.runs, poolSize: options.poolSize, seconds: options.seconds, warmupSeconds: options.warmupSeconds },
      log,
    );
    if (lists) lap("lists");
    backends.push({ backend, commands, load, subscription, reactions, scale, projection, costs, ...(lists ? { lists } : {}) });
  }
  return {
    runs: options.runs,
    seconds: options.seconds,
    warmupSeconds: options.warmupSeconds,
    poolSize: options.poolSize,
    accounts: 100,
    backends,
  };
}
