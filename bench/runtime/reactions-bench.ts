/**
 * The issue 12 parts of section 2: reaction throughput next to its catch-up floor, the
 * latency from a command's commit to its reaction's command, and a filtered catch-up on a
 * big store (bench/runtime/subjects/reactions.ts and scale.ts say what each run does).
 * Interleaved rounds and paired ratios, as everywhere in the runtime section.
 */
import { pairedRatio, stats, type Stats } from "../lib/measure.js";
import { rotate, startAll, type Backend } from "./start.js";
import type { LatencyRun, LatencyVariant, ReactionThroughputRun } from "./subjects/reactions.js";
import type { ScaleCase, ScaleQuery, ScaleRun } from "./subjects/scale.js";

export interface ReactionBenchOptions {
  readonly runs: number;
  readonly poolSize: number;
  /** Pings waiting when the workers start, per throughput run. */
  readonly reactionEvents: number;
  /** Ping commands per latency run, and the pause after each. */
  readonly latencyPings: number;
  readonly latencySpacingMs: number;
  /** Events of the big store, per backend. */
  readonly scaleEvents: Readonly<Record<Backend, number>>;
  /** Page reads per scale run. */
  readonly scaleReads: number;
}

export interface LatencyFigures {
  readonly p50: Stats;
  readonly p99: Stats;
}

export interface ReactionFigures {
  readonly events: number;
  /** Events per second from the workers' start to the last reaction command committed. */
  readonly throughput: Stats;
  /** `catchUp` over as many events of their own stream type, same round. */
  readonly catchUp: Stats;
  /** throughput over the catch-up floor, same round. */
  readonly vsCatchUp: Stats;
  readonly pings: number;
  readonly spacingMs: number;
  /** Default settings: woken by commits, polling every 200 ms as the fallback. */
  readonly wake: LatencyFigures;
  /** `wakeOnCommit: false`: polling only, as before issue 12. */
  readonly pollOnly: LatencyFigures;
  /** poll-only p50 over wake p50, same round (> 1: the wake-up is faster). */
  readonly p50Speedup: Stats;
}

export interface ScaleCaseFigures {
  readonly case: ScaleCase;
  readonly rows: number;
  readonly byType: Stats;
  readonly globalOrder: Stats;
  /** global-order time over by-type time, same round. */
  readonly speedup: Stats;
}

export interface ScaleFigures {
  readonly events: number;
  readonly buildSeconds: number;
  readonly page: number;
  readonly cases: ScaleCaseFigures[];
}

export async function benchReactions(backend: Backend, options: ReactionBenchOptions, log: (line: string) => void): Promise<ReactionFigures> {
  const { workers, stop } = await startAll(backend, ["reactions-fluvius"] as const, options.poolSize);
  try {
    const worker = workers.get("reactions-fluvius")!;
    await worker.call("setup");
    type Variant = "throughput" | "catch-up" | LatencyVariant;
    const variants: Variant[] = ["throughput", "catch-up", "wake", "poll-only"];
    const rates = { throughput: [] as number[], "catch-up": [] as number[] };
    const latencies = { wake: [] as LatencyRun[], "poll-only": [] as LatencyRun[] };
    const measure = async (v: Variant): Promise<string> => {
      if (v === "throughput" || v === "catch-up") {
        const run = await worker.call<ReactionThroughputRun>(v === "throughput" ? "throughput" : "catchUpFloor", options.reactionEvents);
        rates[v].push(run.perSecond);
        return `${v} ${run.perSecond.toFixed(0)} events/s`;
      }
      const run = await worker.call<LatencyRun>("latency", v, options.latencyPings, options.latencySpacingMs);
      latencies[v].push(run);
      return `${v} p50 ${run.p50.toFixed(0)} ms, p99 ${run.p99.toFixed(0)} ms`;
    };
    for (const v of variants) await measure(v); // warm-up
    for (const list of [...Object.values(rates), ...Object.values(latencies)]) list.length = 0;
    for (let round = 0; round < options.runs; round++) {
      const line: string[] = [];
      for (const v of rotate(variants, round)) line.push(await measure(v));
      log(`  ${backend}, reactions, round ${round + 1}/${options.runs}: ${line.join(", ")}`);
    }
    const figures = (runs: LatencyRun[]): LatencyFigures => ({ p50: stats(runs.map((r) => r.p50)), p99: stats(runs.map((r) => r.p99)) });
    // A p50 of 0 ms (both events recorded in the same millisecond) counts as 1 ms: the clock's resolution.
    const p50 = (runs: LatencyRun[]) => runs.map((r) => Math.max(1, r.p50));
    return {
      events: options.reactionEvents,
      throughput: stats(rates.throughput),
      catchUp: stats(rates["catch-up"]),
      vsCatchUp: pairedRatio(rates.throughput, rates["catch-up"]),
      pings: options.latencyPings,
      spacingMs: options.latencySpacingMs,
      wake: figures(latencies.wake),
      pollOnly: figures(latencies["poll-only"]),
      p50Speedup: pairedRatio(p50(latencies["poll-only"]), p50(latencies.wake)),
    };
  } finally {
    await stop();
  }
}

export async function benchScale(backend: Backend, options: ReactionBenchOptions, log: (line: string) => void): Promise<ScaleFigures> {
  // One connection: the prepared statements' plans, warmed up once, are that connection's.
  const { workers, stop } = await startAll(backend, ["scale-fluvius"] as const, 1);
  try {
    const worker = workers.get("scale-fluvius")!;
    const events = options.scaleEvents[backend];
    const buildSeconds = await worker.call<number>("setup", events);
    log(`  ${backend}: built the ${events}-event store in ${buildSeconds.toFixed(1)} s`);
    const cases: ScaleCase[] = ["caught-up", "first-page"];
    const queries: ScaleQuery[] = ["by-type", "global-order"];
    const out: ScaleCaseFigures[] = [];
    for (const which of cases) {
      const samples = { "by-type": [] as number[], "global-order": [] as number[] };
      let rows = 0;
      for (let round = 0; round < options.runs; round++) {
        const line: string[] = [];
        for (const query of rotate(queries, round)) {
          const run = await worker.call<ScaleRun>("run", which, query, options.scaleReads);
          samples[query].push(run.msPerRead);
          rows = run.rows;
          line.push(`${query} ${run.msPerRead.toFixed(2)} ms`);
        }
        log(`  ${backend}, scale ${which}, round ${round + 1}/${options.runs}: ${line.join(", ")}`);
      }
      out.push({
        case: which,
        rows,
        byType: stats(samples["by-type"]),
        globalOrder: stats(samples["global-order"]),
        speedup: pairedRatio(samples["global-order"], samples["by-type"]),
      });
    }
    return { events, buildSeconds, page: 100, cases: out };
  } finally {
    await stop();
  }
}
