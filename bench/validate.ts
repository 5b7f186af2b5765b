/**
 * Issue 2's benchmark on its own: a synthetic spec of 1,000 aggregates (5 actions, 5 events,
 * 8 state fields each) validated by the CLI, from process start to exit. Target: under 1.5 s.
 * `npm run bench` runs it too (bench/generator.ts), with the floor it is compared against.
 *
 *   npx tsx bench/validate.ts [--aggregates 1000] [--runs 5]
 */
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { writeSyntheticProject } from "./generator.js";
import { mib, runCliMeasured, stats } from "./lib/measure.js";

export { writeSyntheticProject };

export function benchValidate(aggregates: number, runs: number) {
  const { dir } = writeSyntheticProject(aggregates);
  try {
    runCliMeasured(["validate"], dir); // warm the file system cache
    const samples = Array.from({ length: runs }, () => runCliMeasured(["validate"], dir));
    return { time: stats(samples.map((s) => s.ms)), peak: stats(samples.map((s) => s.peakBytes)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { aggregates: { type: "string", default: "1000" }, runs: { type: "string", default: "5" } } });
  const aggregates = Number(values.aggregates);
  const result = benchValidate(aggregates, Number(values.runs));
  const target = 1500;
  console.log(`fluvius validate, ${aggregates} aggregates (5 actions, 5 events, 8 fields each), ${values.runs} runs`);
  console.log(`  time: median ${result.time.median.toFixed(0)} ms (min ${result.time.min.toFixed(0)}, max ${result.time.max.toFixed(0)})`);
  console.log(`  peak memory: median ${mib(result.peak.median)} (max ${mib(result.peak.max)})`);
  if (aggregates === 1000) console.log(`  target < ${target} ms: ${result.time.median < target ? "met" : "NOT MET"}`);
}
