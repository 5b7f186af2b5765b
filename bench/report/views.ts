/** Sections 2.6 and 2.7 of BENCHMARKS.md: an asynchronous view's throughput, and what features cost a command. */
import type { Stats } from "../lib/measure.js";
import type { BackendFigures } from "../runtime/index.js";
import type { CostContender } from "../runtime/subjects/costs.js";

const n = (value: number) => value.toLocaleString("en-US");
const range = (s: Stats, f: (v: number) => string) => `${f(s.median)} <sub>(${f(s.min)}–${f(s.max)})</sub>`;
const perSecond = (v: number) => n(Math.round(v));
const ratio =
  (digits = 2) =>
  (v: number) =>
    `${v.toFixed(digits)}×`;
const BACKEND = { postgres: "PostgreSQL", pglite: "PGlite" } as const;

function projectionTable(b: BackendFigures): string[] {
  const p = b.projection;
  if (!p) return [];
  return [
    `#### ${BACKEND[b.backend]}: ${n(p.events)} events per round, batches of ${p.batchSize}`,
    "",
    "| reader | events per second | ratio |",
    "|---|---:|---:|",
    `| projector of an asynchronous view (\`createProjector\`): state folded, count and sum upserted, rows and checkpoint in one transaction per batch | ${range(p.projector, perSecond)} | ${range(p.vsCatchUp, ratio(3))} the floor |`,
    `| floor: \`catchUp\` over the same events, filtered by stream type, handler doing nothing | ${range(p.catchUp, perSecond)} | 1× (baseline) |`,
    "",
  ];
}

function costTable(b: BackendFigures): string[] {
  const c = b.costs;
  if (!c) return [];
  const ratioOf = new Map<CostContender, Stats>(c.ratios.map((r) => [r.with, r.ratio]));
  const baselines = new Set<CostContender>(c.ratios.map((r) => r.without));
  const cell = (id: CostContender) => {
    const r = ratioOf.get(id);
    if (r) return `${range(r, ratio())} of the same command without`;
    return baselines.has(id) ? "1× (baseline)" : "—";
  };
  return [
    `#### ${BACKEND[b.backend]}: ${c.clients} clients`,
    "",
    "| command | per second | ratio |",
    "|---|---:|---:|",
    ...c.contenders.map((x) => `| ${x.label} | ${range(x.perSecond, perSecond)} | ${cell(x.id)} |`),
    "",
  ];
}

export function viewSections(backends: readonly BackendFigures[]): string[] {
  if (!backends.some((b) => b.projection || b.costs)) return [];
  return [
    "### 2.6 Asynchronous views",
    "",
    "A view of deposits and their sum per customer, keyed by the account's state (bench/runtime/view-domain.ts), kept by a projector after the commit. Each round writes deposits on 100 accounts (appends of 10, untimed) after the projector's checkpoint; then, in an order rotated each round, one projector pass applies them and, as the floor, `catchUp` reads the same events from a new subscription. One projector for the whole run, as a running worker (its streams' states held after the warm-up round); at the end the rows must count every deposit once.",
    "",
    ...backends.flatMap(projectionTable),
    "### 2.7 What features cost a command",
    "",
    "Each feature against the same command without it, on one database, in the same rounds (order rotated each round), ratio per round: a deposit with the inline version of §2.6's view (one more row upserted in the command's statement); `register` of a catalog customer (fixtures/valid/catalog) with its two unique indexes and with a copy of its table without them; `place` of an order with its refs to one customer and three products checked (one lookup statement) and without checkedRefs. Each run makes its own streams (untimed) and warms up first.",
    "",
    ...backends.flatMap(costTable),
  ];
}
