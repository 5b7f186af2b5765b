/**
 * Issue 3's benchmark: `fluvius generate` on the synthetic 1,000-aggregate spec, from cold
 * (empty output folders) and again with no change. Targets here: cold under 15 s, no change
 * under 1 s. Each figure is the median of `--runs` runs, with min and max. `npm run bench`
 * runs it too (bench/generator.ts), with the floor and a one-field change.
 *
 *   npx tsx bench/generate.ts [--aggregates 1000] [--runs 3]
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { mib, runCliMeasured, type Sample, stats } from "./lib/measure.js";
import { writeSyntheticProject } from "./generator.js";

export function benchGenerate(aggregates: number, runs: number) {
  const { dir } = writeSyntheticProject(aggregates);
  try {
    const cold: Sample[] = [];
    const unchanged: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(path.join(dir, "src"), { recursive: true, force: true });
      cold.push(runCliMeasured(["generate"], dir));
      unchanged.push(runCliMeasured(["generate"], dir));
    }
    const summary = (samples: Sample[]) => ({ time: stats(samples.map((s) => s.ms)), peak: stats(samples.map((s) => s.peakBytes)) });
    return { cold: summary(cold), unchanged: summary(unchanged) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { aggregates: { type: "string", default: "1000" }, runs: { type: "string", default: "3" } } });
  const aggregates = Number(values.aggregates);
  const result = benchGenerate(aggregates, Number(values.runs));
  const line = (label: string, r: typeof result.cold, target: number) =>
    `  ${label}: median ${(r.time.median / 1000).toFixed(2)} s (min ${(r.time.min / 1000).toFixed(2)}, max ${(r.time.max / 1000).toFixed(2)}), ` +
    `peak ${mib(r.peak.median)}${aggregates === 1000 ? `; target < ${target / 1000} s: ${r.time.median < target ? "met" : "NOT MET"}` : ""}`;
  console.log(`fluvius generate, ${aggregates} aggregates (5 actions, 5 events, 8 fields each), ${values.runs} runs`);
  console.log(line("from cold", result.cold, 15_000));
  console.log(line("no change", result.unchanged, 1_000));
}
