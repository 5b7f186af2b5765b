/** BENCHMARKS.md from the results of one run. */
import type { GeneratorResult, GeneratorSize, Measured } from "../generator.js";
import type { HttpBackendFigures, HttpResult } from "../http.js";
import type { Stats } from "../lib/measure.js";
import { isSkipped, type BenchResults, type Skipped, type Target } from "../results.js";
import { reactionSections } from "./reactions.js";
import { viewSections } from "./views.js";
import { listSections } from "./lists.js";
import { editorSection } from "./editor.js";
import { CONTENDERS, type BackendFigures, type ContenderFigures, type RuntimeResult } from "../runtime/index.js";

const n = (value: number) => value.toLocaleString("en-US");
const range = (s: Stats, f: (v: number) => string) => `${f(s.median)} <sub>(${f(s.min)}–${f(s.max)})</sub>`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => (ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`);
const perSecond = (v: number) => n(Math.round(v));
const ratio =
  (digits = 2) =>
  (v: number) =>
    `${v.toFixed(digits)}×`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
const BACKEND = { postgres: "PostgreSQL", pglite: "PGlite" } as const;

function verdict(t: Target): string {
  const note = t.note ? ` (${t.note})` : "";
  if (t.met === null) return `not measured${note}`;
  return `${t.met ? "**met**" : "**not met**"}${note}`;
}

function machine(r: BenchResults): string[] {
  const m = r.machine;
  const settings = m.postgresSettings
    ? `; ${Object.entries(m.postgresSettings)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`
    : "";
  return [
    "## Machine",
    "",
    "| | |",
    "|---|---|",
    `| CPU | ${m.cores} cores, ${m.cpuModel} |`,
    `| Memory | ${gib(m.memoryBytes)} |`,
    `| OS | ${m.os} |`,
    `| Node.js | ${m.node} |`,
    `| PostgreSQL | ${m.postgres ?? "not used in this run"}${settings} |`,
    `| PGlite | ${m.packages["@electric-sql/pglite"]} (on disk, in a temporary folder) |`,
    `| Peer | @event-driven-io/emmett-postgresql ${m.packages["@event-driven-io/emmett-postgresql"]} |`,
    `| Driver | pg ${m.packages["pg"]} |`,
    `| Load average (1 min) | ${m.loadAverage.start.toFixed(2)} at the start, ${(m.loadAverage.end ?? 0).toFixed(2)} at the end (the machine is shared: compare ratios, not absolute figures) |`,
    "",
  ];
}

function targets(r: BenchResults): string[] {
  return [
    "## Targets",
    "",
    "| issue | target | this run (median, min–max) | result |",
    "|---|---|---|---|",
    ...r.targets.map((t) => `| ${t.issue} | ${t.description} | ${t.figure} | ${verdict(t)} |`),
    "",
  ];
}

function skippedSection(title: string, s: Skipped): string[] {
  return [title, "", `Not run: ${s.reason}`, ""];
}

function generatorSection(g: GeneratorResult | Skipped): string[] {
  const title = "## 1. Generator";
  if (isSkipped(g)) return skippedSection(title, g);
  const row = (size: GeneratorSize, label: string, m: Measured, floor = false) =>
    `| ${n(size.aggregates)} | ${label} | ${range(m.time, secs)} | ${floor ? "1× (baseline)" : range(m.ratioToFloor, ratio(1))} | ${range(m.peakBytes, mib)} |`;
  const lines = [
    title,
    "",
    `Synthetic specs (bench/synthetic-spec.ts): every aggregate has ${g.shape.actions} actions, ${g.shape.events} events and ${g.shape.fields} state fields; 100 aggregates per domain, at most 50 per file.`,
    `Each step is the real CLI (\`bin/run.js\`) in a fresh process, timed from spawn to exit, with its peak resident memory; median of ${g.runs} rounds <sub>(min–max)</sub>.`,
    "The **floor** is a fresh Node process that reads every spec file and writes as many files, of the same sizes, as a cold `generate` writes — the I/O and start-up no generator can avoid. Each step's ratio is to the floor of the same round.",
    "The **formatter** row is prettier alone on the TypeScript files of that cold `generate`, on as many threads: what the opt-in `output.format: prettier` adds on this machine in the same round. A default `generate` runs no formatter: the emitters print the canonical style themselves.",
    "",
    "| aggregates | step | time | × floor | peak memory |",
    "|---:|---|---:|---:|---:|",
  ];
  for (const size of g.sizes) {
    lines.push(
      row(size, "floor: read specs, write the same bytes", size.floor, true),
      row(size, "formatter alone: prettier on the same .ts files, same threads", size.formatter),
      row(size, "`fluvius validate`", size.validate),
      row(size, "`fluvius generate`, from cold", size.cold),
      row(size, "`fluvius generate`, no change", size.unchanged),
      row(size, "`fluvius generate`, one field changed", size.changed),
      ...(size.breaking === undefined ? [] : [row(size, "`fluvius breaking --against HEAD~1`, that change committed", size.breaking)]),
    );
  }
  lines.push(
    "",
    "| aggregates | spec files | spec bytes | files generated (cold) | bytes generated |",
    "|---:|---:|---:|---:|---:|",
    ...g.sizes.map((s) => `| ${n(s.aggregates)} | ${n(s.specFiles)} | ${n(s.specBytes)} | ${n(s.outputFiles)} | ${n(s.outputBytes)} |`),
    "",
    "| aggregates | `generate` from cold ÷ formatter alone (same round) |",
    "|---:|---:|",
    ...g.sizes.map((s) => `| ${n(s.aggregates)} | ${range(s.coldVsFormatter, ratio(2))} |`),
    "",
    "*One field changed*: odd rounds add an optional state field to the first aggregate of the first file, even rounds remove it again; either way `generate` re-renders that aggregate's module and the domain-wide files that depend on the spec (domain index, types, policy, OpenAPI document) and skips the rest.",
    "",
  );
  return lines;
}

function commandsTable(b: BackendFigures): string[] {
  const hasEmmett = b.commands.some((c) => c.contenders.some((x) => x.vsEmmett));
  const head = hasEmmett
    ? ["| clients | contender | per second | × raw INSERT (transaction) | × raw INSERT (autocommit) | × Emmett |", "|---:|---|---:|---:|---:|---:|"]
    : ["| clients | contender | per second | × raw INSERT (transaction) | × raw INSERT (autocommit) |", "|---:|---|---:|---:|---:|"];
  const cell = (c: ContenderFigures, s: Stats, self: ContenderFigures["id"]) => (c.id === self ? "1× (baseline)" : range(s, ratio()));
  const rows = b.commands.flatMap((group) =>
    group.contenders.map((c) => {
      const cols = [
        String(group.clients),
        c.id === "fluvius" ? `**${CONTENDERS[c.id]}**` : CONTENDERS[c.id],
        range(c.perSecond, perSecond),
        cell(c, c.vsRawTransaction, "raw-tx"),
        cell(c, c.vsRawAutocommit, "raw-autocommit"),
      ];
      if (hasEmmett) cols.push(c.vsEmmett ? cell(c, c.vsEmmett, "emmett") : "—");
      return `| ${cols.join(" | ")} |`;
    }),
  );
  return [`#### ${BACKEND[b.backend]}`, "", ...head, ...rows, ""];
}

function loadTable(b: BackendFigures): string[] {
  const l = b.load;
  const rows = [
    `| fluvius, with snapshot (the last ${l.tail} events after it) | ${range(l.snapshot, millis)} | ${range(l.snapshotSpeedup, ratio(1))} faster than without |`,
    `| fluvius, without snapshot (every event read and folded) | ${range(l.noSnapshot, millis)} | takes ${range(l.noSnapshotVsRaw, ratio(1))} the floor's time |`,
    `| floor: \`SELECT data\` of the ${n(l.events)} rows in version order, no fold | ${range(l.raw, millis)} | 1× (baseline) |`,
  ];
  if (l.emmett && l.emmettVsNoSnapshot)
    rows.push(
      `| Emmett \`aggregateStream\` (it has no snapshots) | ${range(l.emmett, millis)} | takes ${range(l.emmettVsNoSnapshot, ratio(1))} the time of fluvius without snapshot |`,
    );
  return [`#### ${BACKEND[b.backend]}: a ${n(l.events)}-event stream`, "", "| load | time per load | ratio |", "|---|---:|---:|", ...rows, ""];
}

function subscriptionTable(b: BackendFigures): string[] {
  const s = b.subscription;
  return [
    `#### ${BACKEND[b.backend]}: ${n(s.events)} events, batches of ${s.batchSize}`,
    "",
    "| reader | events per second | ratio |",
    "|---|---:|---:|",
    `| fluvius \`catchUp\` (only transactions below the oldest running one, checkpoint saved per batch, events decoded) | ${range(s.catchUp, perSecond)} | ${range(s.vsRaw, ratio())} the floor |`,
    `| floor: \`SELECT *\` in keyset pages on the same (tx_id, position) index, no fence, no checkpoint | ${range(s.raw, perSecond)} | 1× (baseline) |`,
    "",
  ];
}

function runtimeSection(r: RuntimeResult | Skipped, chartLink: string | undefined): string[] {
  const title = "## 2. Runtime";
  if (isSkipped(r)) return skippedSection(title, r);
  const lines = [
    title,
    "",
    `Every contender runs in its own worker process on its own database (PostgreSQL: a throwaway database on the server above; PGlite: its own data folder) and is driven from inside that process. Runs are interleaved — round *r* runs every contender once, in an order rotated each round — and every ratio is taken within a round, then summarised: median of ${r.runs} rounds <sub>(min–max)</sub>.`,
    "",
    "### 2.1 Commands per second",
    "",
    `Workload: each run opens ${r.accounts} fresh accounts (untimed), warms up for ${r.warmupSeconds} s, then deposits \`"1.00"\` for ${r.seconds} s. *1 client* is one loop of sequential awaits; *16 clients* are 16 concurrent loops, each on its own share of the accounts (no two loops ever touch the same stream, so nobody retries). On PostgreSQL every contender gets a fresh \`pg\` pool of ${r.poolSize} connections per run; PGlite is one connection, so its 16 loops queue on it.`,
    "",
    "- **fluvius**: `createAggregateService(store, account, { policy })` with the banking account exactly as `fluvius generate` emits it (fixtures/valid/banking/expected) and its generated policy. Per command: payload JSON Schema, policy, `when`, the handler, event schema, evolve with exact decimals, then one statement that appends the event, bumps the stream version (optimistic concurrency), upserts the read-model row and stores a snapshot every 100 events. The stream cache is on (default): a command on a stream this service wrote decides on the cached state, so one round trip.",
    "- **fluvius, stream cache off** (`cacheSize: 0`): the same, always loading first (two round trips), like an event store without a cache.",
    "- **raw INSERT (transaction)** — *the floor*: `BEGIN; INSERT INTO bench_insert (id uuid PRIMARY KEY, account, amount, recorded_at) VALUES (…); COMMIT` per operation, through the same driver layer fluvius uses (named prepared statement; one pooled connection for the three statements).",
    "- **raw INSERT (autocommit)**: the same INSERT as a single statement.",
    "- **Emmett** — *the peer*: `@event-driven-io/emmett` `CommandHandler({ evolve, initialState })` on `getPostgreSQLEventStore` (its own schema, same server, same pool size), the same account (same state, events, decisions and exact decimal sum; bench/runtime/emmett-account.ts). Per command it reads the whole stream, decides, and appends with the expected version. It does not validate payloads or events, check a policy or write a read model. Its PostgreSQL store runs on node-postgres only, so there is no Emmett figure on PGlite.",
    "",
  ];
  if (chartLink) lines.push(`![Commands per second by contender, on PostgreSQL and PGlite](${chartLink})`, "");
  for (const b of r.backends) lines.push(...commandsTable(b));
  lines.push(
    "### 2.2 Loading a long stream",
    "",
    "One account whose stream holds the opening event and deposits. fluvius reads it through `service.get` (one statement, then the fold); the snapshot is the one the generated `snapshotEvery: 100` makes, 99 events behind the head (the worst case for that setting). *Without snapshot* is the same stream under a different spec hash, so no snapshot matches. Every load checks the resulting balance. Each run repeats the load for a fixed time and reports the mean per load.",
    "",
  );
  for (const b of r.backends) lines.push(...loadTable(b));
  lines.push(
    "### 2.3 Catch-up subscription",
    "",
    "Deposit events on 100 accounts, written by appends of 10 events (one transaction each), read from the start by a new subscription each run. Both readers must deliver every event.",
    "",
  );
  for (const b of r.backends) lines.push(...subscriptionTable(b));
  lines.push(...reactionSections(r.backends), ...viewSections(r.backends), ...listSections(r.backends));
  return lines;
}

function httpSection(h: HttpResult | Skipped): string[] {
  const title = "## 3. HTTP";
  if (isSkipped(h)) return skippedSection(title, h);
  const failed = (b: HttpBackendFigures) => (b.failed === 0 ? "0" : `**${n(b.failed)}** of ${n(b.requests)}`);
  return [
    title,
    "",
    `A project made by \`fluvius init\` (the banking example), generated and migrated, served by \`fluvius serve\` in its own process; autocannon sends \`POST /api/banking:deposit/account/{id}\` with \`{"amount":"1.00"}\` and a bearer token over ${h.connections} keep-alive connections, each request on the next of ${h.accounts} accounts in turn, for ${h.seconds} s per run. Every request is authenticated, validated against the payload's JSON Schema, checked against the generated policy, executed and answered with the DESIGN §4 envelope. The baseline is the runtime **in-process** at ${h.connections} clients (§2.1's *fluvius*, on its own database), run in the same rounds, interleaved; median of ${h.runs} rounds <sub>(min–max)</sub>. autocannon, the server and the database share this machine's cores.`,
    "",
    `| backend | HTTP commands per second | p50 latency | p99 latency | failed requests | in-process, ${h.connections} clients | HTTP × in-process |`,
    "|---|---:|---:|---:|---:|---:|---:|",
    ...h.backends.map(
      (b) =>
        `| ${BACKEND[b.backend]} | ${range(b.perSecond, perSecond)} | ${range(b.p50, millis)} | ${range(b.p99, millis)} | ${failed(b)} | ${range(b.inProcess, perSecond)} | ${range(b.vsInProcess, ratio())} |`,
    ),
    "",
  ];
}

export function renderMarkdown(r: BenchResults, chartLink: string | undefined): string {
  const when = r.startedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC");
  const lines = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench${r.mode === "quick" ? " -- --quick" : ""}\` on ${when} (${r.mode} mode, ${Math.round(r.durationSeconds)} s); machine-readable results in \`bench-results.json\`. Do not edit by hand: run the bench again. How it works and how to run parts of it: [bench/README.md](bench/README.md).`,
    "",
    "Every figure is the **median of several runs** with min–max in small print, and every comparison is a **ratio to a baseline measured in the same run** (in the same round, for the runtime), because absolute times on a shared machine drift.",
    "",
    ...machine(r),
    ...targets(r),
    ...generatorSection(r.generator),
    ...runtimeSection(r.runtime, chartLink),
    ...httpSection(r.http),
    ...editorSection(r.editor),
  ];
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
