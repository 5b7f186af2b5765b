/** The issue 12 parts of BENCHMARKS.md section 2: reactions, and a filtered catch-up on a big store. */
import type { Stats } from "../lib/measure.js";
import type { BackendFigures } from "../runtime/index.js";

const n = (value: number) => value.toLocaleString("en-US");
const range = (s: Stats, f: (v: number) => string) => `${f(s.median)} <sub>(${f(s.min)}–${f(s.max)})</sub>`;
const millis = (ms: number) => (ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`);
const wholeMillis = (ms: number) => `${ms.toFixed(0)} ms`;
const perSecond = (v: number) => n(Math.round(v));
const ratio =
  (digits = 2) =>
  (v: number) =>
    `${v.toFixed(digits)}×`;
const BACKEND = { postgres: "PostgreSQL", pglite: "PGlite" } as const;

function reactionTables(b: BackendFigures): string[] {
  const r = b.reactions;
  if (!r) return [];
  return [
    `#### ${BACKEND[b.backend]}: ${n(r.events)} waiting events; ${r.pings} commands ${r.spacingMs} ms apart`,
    "",
    "| throughput | events per second | ratio |",
    "|---|---:|---:|",
    `| reaction: event committed → its command committed (\`startReactionWorkers\`, defaults) | ${range(r.throughput, perSecond)} | ${range(r.vsCatchUp, ratio(3))} the floor |`,
    `| floor: \`catchUp\` over as many events of one stream type, handler doing nothing | ${range(r.catchUp, perSecond)} | 1× (baseline) |`,
    "",
    "| latency, command committed → reaction's command committed | p50 | p99 | p50 ratio |",
    "|---|---:|---:|---:|",
    `| default settings: woken by the commit, polling every 200 ms as the fallback | ${range(r.wake.p50, wholeMillis)} | ${range(r.wake.p99, wholeMillis)} | ${range(r.p50Speedup, ratio(1))} faster than polling only |`,
    `| polling only (\`wakeOnCommit: false\`, how workers ran before) | ${range(r.pollOnly.p50, wholeMillis)} | ${range(r.pollOnly.p99, wholeMillis)} | 1× (baseline) |`,
    "",
  ];
}

const CASES = {
  "caught-up": "caught up: from the watched type's last event (nothing new; half the store after it)",
  "first-page": "first page: from the start",
} as const;

function scaleTable(b: BackendFigures): string[] {
  const s = b.scale;
  if (!s) return [];
  return [
    `#### ${BACKEND[b.backend]}: a ${n(s.events)}-event store (built in ${s.buildSeconds.toFixed(0)} s), pages of ${s.page}`,
    "",
    "| read of the watched stream type | by type (a range of events_stream_type_tx_order per type) | global order, types as a filter (before) | before ÷ now |",
    "|---|---:|---:|---:|",
    ...s.cases.map(
      (c) => `| ${CASES[c.case]}, ${c.rows} events | ${range(c.byType, millis)} | ${range(c.globalOrder, millis)} | ${range(c.speedup, ratio(1))} |`,
    ),
    "",
  ];
}

export function reactionSections(backends: readonly BackendFigures[]): string[] {
  if (!backends.some((b) => b.reactions || b.scale)) return [];
  const [server, embedded] = [backends.find((b) => b.backend === "postgres")?.scale, backends.find((b) => b.backend === "pglite")?.scale];
  const smaller =
    server && embedded && embedded.events < server.events ? " PGlite builds its store in its one process, so its store is smaller than the server's." : "";
  return [
    "### 2.4 Reactions",
    "",
    "A `pinged` event of an aggregate of its own; the reaction issues a deposit on the generated banking account it names (bench/runtime/reaction-domain.ts). *Throughput*: the events are written first (appends of 10), then the workers start, timed until the reaction's checkpoint has passed the last one, every deposit committed. Its floor, in the same round, is `catchUp` over as many events written the same way under another stream type. *Latency*: commands one at a time while the workers run, each the deposit's recorded time minus its event's (the database's clock, millisecond resolution), p50 and p99 of each run.",
    "",
    ...backends.flatMap(reactionTables),
    "### 2.5 Filtered catch-up on a big store",
    "",
    `Events of 40 stream types and 50 tenants, written by \`INSERT … SELECT generate_series\` (100,000 per transaction), and a watched stream type with one event in ten in the first half and none after — an aggregate nobody has used for a while, which a reaction still reads. Its statistics say it is common, so the old query expects its next event soon in the global order; *caught up* is the poll of that idle reaction (every 200 ms by default). Each read is a named prepared statement, warmed up past the point where PostgreSQL may choose a generic plan, averaged over several reads per run.${smaller}`,
    "",
    ...backends.flatMap(scaleTable),
  ];
}
