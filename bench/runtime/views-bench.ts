/**
 * Sections 2.6 and 2.7 of the runtime: an asynchronous view's projection throughput next to
 * the catch-up floor over the same events, and what an inline view, unique constraints and
 * checked refs cost a command (bench/runtime/subjects/views.ts and costs.ts say what each
 * run does). Interleaved rounds and paired ratios, as everywhere in the runtime section.
 */
import { pairedRatio, stats, type Stats } from "../lib/measure.js";
import { rotate, startAll, type Backend } from "./start.js";
import { COST_PAIRS, COSTS, type CostContender } from "./subjects/costs.js";
import { VIEW_BATCH, type Backlog, type ProjectionRun } from "./subjects/views.js";
import type { Throughput } from "./throughput.js";

export interface ViewBenchOptions {
  readonly runs: number;
  readonly poolSize: number;
  /** Events of each round's backlog, which both readers read. */
  readonly projectionEvents: number;
  /** Command runs of the cost comparison. */
  readonly clients: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

export interface ProjectionFigures {
  readonly events: number;
  readonly batchSize: number;
  /** Events per second into the view: one projector pass over the backlog. */
  readonly projector: Stats;
  /** `catchUp` over the same events, handler doing nothing. */
  readonly catchUp: Stats;
  /** projector over the floor, same round. */
  readonly vsCatchUp: Stats;
}

export interface CostFigures {
  readonly clients: number;
  readonly contenders: { readonly id: CostContender; readonly label: string; readonly perSecond: Stats }[];
  /** Commands/s with the feature over the same command without it, same round. */
  readonly ratios: { readonly feature: string; readonly with: CostContender; readonly without: CostContender; readonly ratio: Stats }[];
}

export async function benchProjection(backend: Backend, options: ViewBenchOptions, log: (line: string) => void): Promise<ProjectionFigures> {
  const { workers, stop } = await startAll(backend, ["views-fluvius"] as const, options.poolSize);
  try {
    const worker = workers.get("views-fluvius")!;
    await worker.call("setup");
    const variants = ["projector", "catch-up"] as const;
    const rates = { projector: [] as number[], "catch-up": [] as number[] };
    const round = async (r: number) => {
      const backlog = await worker.call<Backlog>("backlog", options.projectionEvents);
      const line: string[] = [];
      for (const v of rotate(variants, r)) {
        const run = await worker.call<ProjectionRun>(v === "projector" ? "project" : "catchUpFloor", backlog);
        rates[v].push(run.perSecond);
        line.push(`${v} ${run.perSecond.toFixed(0)} events/s`);
      }
      return line.join(", ");
    };
    await round(0); // warm-up: the projector's states, the plans
    for (const list of Object.values(rates)) list.length = 0;
    for (let r = 0; r < options.runs; r++) log(`  ${backend}, asynchronous view, round ${r + 1}/${options.runs}: ${await round(r)}`);
    await worker.call("check");
    return {
      events: options.projectionEvents,
      batchSize: VIEW_BATCH,
      projector: stats(rates.projector),
      catchUp: stats(rates["catch-up"]),
      vsCatchUp: pairedRatio(rates.projector, rates["catch-up"]),
    };
  } finally {
    await stop();
  }
}

export async function benchCosts(backend: Backend, options: ViewBenchOptions, log: (line: string) => void): Promise<CostFigures> {
  const { workers, stop } = await startAll(backend, ["costs-fluvius"] as const, options.poolSize);
  try {
    const worker = workers.get("costs-fluvius")!;
    await worker.call("setup");
    const ids = Object.keys(COSTS) as CostContender[];
    const samples = new Map<CostContender, number[]>(ids.map((id) => [id, []]));
    const run = { clients: options.clients, seconds: options.seconds, warmupSeconds: options.warmupSeconds };
    // A short untimed round first: whoever comes first in round 1 would pay for the cold start.
    for (const id of ids) await worker.call<Throughput>("run", id, { ...run, seconds: options.warmupSeconds, warmupSeconds: 0 });
    for (let r = 0; r < options.runs; r++) {
      const line: string[] = [];
      for (const id of rotate(ids, r)) {
        const result = await worker.call<Throughput>("run", id, run);
        samples.get(id)!.push(result.perSecond);
        line.push(`${id} ${result.perSecond.toFixed(0)}/s`);
      }
      log(`  ${backend}, costs at ${options.clients} clients, round ${r + 1}/${options.runs}: ${line.join(", ")}`);
    }
    await worker.call("check");
    const of = (id: CostContender) => samples.get(id)!;
    return {
      clients: options.clients,
      contenders: ids.map((id) => ({ id, label: COSTS[id], perSecond: stats(of(id)) })),
      ratios: COST_PAIRS.map((p) => ({ ...p, ratio: pairedRatio(of(p.with), of(p.without)) })),
    };
  } finally {
    await stop();
  }
}
