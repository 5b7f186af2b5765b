/**
 * Section 2.8 of the runtime: lists at scale (bench/runtime/subjects/lists.ts says what each
 * case and variant does). PostgreSQL only, as the issue asks: the embedded database serves
 * one process's development data. Interleaved rounds and paired ratios, as everywhere in
 * the runtime section.
 */
import { pairedRatio, stats, type Stats } from "../lib/measure.js";
import { rotate, startAll, type Backend } from "./start.js";
import { LIST_CASES, LIST_VARIANTS, type ListCase, type ListRun, type ListSetup, type ListVariant } from "./subjects/lists.js";

export interface ListBenchOptions {
  readonly runs: number;
  readonly poolSize: number;
  /** Rows of the read model (one tenant). */
  readonly rows: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

export interface ListCaseFigures {
  readonly case: ListCase;
  /** Milliseconds per list read (1000 / reads per second), per variant. */
  readonly ms: Readonly<Record<ListVariant, Stats>>;
  /** Runtime reads/s over the floor's (its own statements run directly), same round. */
  readonly vsRaw: Stats;
  /** Runtime reads/s over the page with an exact count, same round. */
  readonly vsExactCount: Stats;
  /** What the runtime's page reported: rows and total (a capped total is COUNT_AHEAD past the page). */
  readonly rows: number;
  readonly total: number;
}

export interface ListFigures {
  readonly rows: number;
  readonly deepPage: number;
  readonly cases: readonly ListCaseFigures[];
}

export async function benchLists(backend: Backend, options: ListBenchOptions, log: (line: string) => void): Promise<ListFigures | undefined> {
  if (backend !== "postgres") return undefined;
  const { workers, stop } = await startAll(backend, ["lists-fluvius"] as const, options.poolSize);
  try {
    const worker = workers.get("lists-fluvius")!;
    const setup = await worker.call<ListSetup>("setup", options.rows);
    const rates = new Map<string, number[]>();
    const last = new Map<ListCase, ListRun>();
    const variantsOf = LIST_CASES.flatMap((c) => LIST_VARIANTS.map((v) => [c, v] as const));
    for (let r = 0; r < options.runs; r++) {
      const line: string[] = [];
      for (const [c, v] of rotate(variantsOf, r)) {
        const run = await worker.call<ListRun>("run", { case: c, variant: v, seconds: options.seconds, warmupSeconds: options.warmupSeconds });
        const key = `${c}/${v}`;
        rates.set(key, [...(rates.get(key) ?? []), run.perSecond]);
        if (v === "runtime") last.set(c, run);
        line.push(`${key} ${(1000 / run.perSecond).toFixed(1)} ms`);
      }
      log(`  ${backend}, lists of ${options.rows} rows, round ${r + 1}/${options.runs}: ${line.join(", ")}`);
    }
    const of = (c: ListCase, v: ListVariant) => rates.get(`${c}/${v}`) ?? [];
    const ms = (c: ListCase, v: ListVariant) => stats(of(c, v).map((perSecond) => 1000 / perSecond));
    return {
      rows: setup.rows,
      deepPage: setup.deepPage,
      cases: LIST_CASES.map((c) => ({
        case: c,
        ms: { runtime: ms(c, "runtime"), raw: ms(c, "raw"), "exact-count": ms(c, "exact-count") },
        vsRaw: pairedRatio(of(c, "runtime"), of(c, "raw")),
        vsExactCount: pairedRatio(of(c, "runtime"), of(c, "exact-count")),
        rows: last.get(c)?.rows ?? 0,
        total: last.get(c)?.total ?? 0,
      })),
    };
  } finally {
    await stop();
  }
}
