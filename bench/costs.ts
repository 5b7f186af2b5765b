/**
 * Section 2.7 on its own (what an inline view, unique constraints and checked refs cost a
 * command): the same subject and rounds as `npm run bench`, printed instead of reported.
 *
 *   npm run build && npx tsx bench/costs.ts [--backend postgres|pglite] [--rounds 5] [--seconds 2] [--clients 16]
 */
import { parseArgs } from "node:util";
import { cleanup } from "./lib/services.js";
import type { Backend } from "./runtime/start.js";
import { benchCosts } from "./runtime/views-bench.js";

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "postgres" },
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "2" },
    clients: { type: "string", default: "16" },
  },
});
const backend = values.backend as Backend;
if (backend !== "postgres" && backend !== "pglite") throw new Error("--backend is postgres or pglite");
const clients = Number(values.clients);
const options = { runs: Number(values.rounds), poolSize: clients, projectionEvents: 0, clients, seconds: Number(values.seconds), warmupSeconds: 0.5 };
try {
  const costs = await benchCosts(backend, options, console.log);
  const times = (s: { median: number; min: number; max: number }) => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
  for (const r of costs.ratios) console.log(`${r.feature}: ${times(r.ratio)} the commands/s without`);
} finally {
  await cleanup(() => undefined);
}
