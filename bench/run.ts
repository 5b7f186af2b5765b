/**
 * `npm run bench`: the generator, the runtime and the HTTP API, measured on
 * this machine, written to BENCHMARKS.md, bench-results.json and bench/runtime-chart.svg.
 *
 *   npm run bench                       full run (about 10–15 minutes)
 *   npm run bench -- --quick            smoke run: fewer, shorter runs, 10 and 100 aggregates
 *   npm run bench -- --out-dir DIR      write all three files into DIR instead
 *   npm run bench -- --sections runtime only some sections (generator, runtime, http)
 *
 * See bench/README.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchGenerator, type GeneratorResult } from "./generator.js";
import { benchEditor, type EditorResult } from "./editor.js";
import { benchHttp, type HttpResult } from "./http.js";
import { currentLoad, describeMachine, type Machine } from "./lib/machine.js";
import { checkPostgres, cleanup, MissingServiceError, runId } from "./lib/services.js";
import { renderMarkdown } from "./report/markdown.js";
import { runtimeChart } from "./report/svg.js";
import { evaluateTargets, type BenchResults, type Settings, type Skipped } from "./results.js";
import { benchRuntime, type Backend, type RuntimeResult } from "./runtime/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const SECTIONS = ["generator", "runtime", "http", "editor"] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `usage: npm run bench -- [options]

  --quick                 smoke run: 3 runs, short measurements, 10 and 100 aggregates (< 2 minutes)
  --out-dir DIR           write BENCHMARKS.md, bench-results.json and runtime-chart.svg into DIR
  --markdown PATH         where BENCHMARKS.md goes (default: BENCHMARKS.md at the repository root)
  --json PATH             where the results go (default: bench-results.json at the repository root)
  --svg PATH              where the chart goes (default: bench/runtime-chart.svg)
  --sections LIST         comma-separated: generator,runtime,http,editor (default: all)
  --backends LIST         comma-separated: postgres,pglite (default: both)
  --runs N                runs per figure (default 5, quick 3; at least 1)
  --seconds S             measured seconds per command run (default 2, quick 0.25; HTTP runs: default 5, quick 1, at least 1)
  --from-results PATH     measure nothing: write BENCHMARKS.md and the chart again from a results file
  -h, --help

PostgreSQL: FLUVIUS_BENCH_PG (default postgres://postgres@127.0.0.1:5432/test), a role that may CREATE DATABASE.`;

interface Options {
  readonly quick: boolean;
  readonly fromResults: string | undefined;
  readonly markdown: string;
  readonly json: string;
  readonly svg: string;
  readonly sections: ReadonlySet<Section>;
  readonly backends: readonly Backend[];
  readonly settings: Settings;
}

function list<T extends string>(text: string | undefined, allowed: readonly T[], name: string): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`unknown ${name} '${item}' (one of ${allowed.join(", ")})`);
  return items as T[];
}

function positive(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

function parse(argv: string[]): Options | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      "out-dir": { type: "string" },
      markdown: { type: "string" },
      json: { type: "string" },
      svg: { type: "string" },
      sections: { type: "string" },
      backends: { type: "string" },
      runs: { type: "string" },
      seconds: { type: "string" },
      "from-results": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const quick = values.quick === true;
  const outDir = values["out-dir"] === undefined ? undefined : path.resolve(values["out-dir"]);
  const file = (explicit: string | undefined, inDir: string, fallback: string) =>
    explicit !== undefined ? path.resolve(explicit) : outDir !== undefined ? path.join(outDir, inDir) : path.join(root, fallback);
  const runs = positive(values.runs, "runs");
  if (runs !== undefined && !Number.isInteger(runs)) throw new Error("--runs must be a whole number");
  const seconds = positive(values.seconds, "seconds");
  return {
    quick,
    fromResults: values["from-results"] === undefined ? undefined : path.resolve(values["from-results"]),
    markdown: file(values.markdown, "BENCHMARKS.md", "BENCHMARKS.md"),
    json: file(values.json, "bench-results.json", "bench-results.json"),
    svg: file(values.svg, "runtime-chart.svg", "bench/runtime-chart.svg"),
    sections: new Set(list(values.sections, SECTIONS, "section") ?? SECTIONS),
    backends: list(values.backends, ["postgres", "pglite"] as const, "backend") ?? ["postgres", "pglite"],
    settings: {
      generator: { sizes: quick ? [10, 100] : [10, 100, 1000], runs: runs ?? (quick ? 3 : 5) },
      runtime: {
        runs: runs ?? (quick ? 3 : 5),
        seconds: seconds ?? (quick ? 0.25 : 2),
        warmupSeconds: quick ? 0.1 : 0.5,
        concurrency: [1, 16],
        poolSize: 16,
        loadEvents: quick ? 2000 : 10_000,
        loadSeconds: quick ? 0.15 : 0.5,
        subscriptionEvents: quick ? 2000 : 20_000,
        reactions: {
          reactionEvents: quick ? 1000 : 5000,
          latencyPings: quick ? 20 : 100,
          latencySpacingMs: 20,
          // PGlite builds its store row by row in one process: a tenth of the size.
          scaleEvents: quick ? { postgres: 20_000, pglite: 20_000 } : { postgres: 2_000_000, pglite: 200_000 },
          scaleReads: quick ? 3 : 5,
        },
        views: { projectionEvents: quick ? 2000 : 10_000, clients: 16 },
        lists: { rows: quick ? 20_000 : 200_000 },
      },
      editor: { sizes: quick ? [100] : [1000], edits: quick ? 6 : 20 },
      http: {
        runs: runs ?? (quick ? 3 : 5),
        seconds: Math.max(1, seconds ?? (quick ? 1 : 5)),
        warmupSeconds: 1,
        connections: 16,
        poolSize: 16,
      },
    },
  };
}

const log = (line: string) => console.log(line);

async function main(argv: string[]): Promise<number> {
  let options: Options | "help";
  try {
    options = parse(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  if (options.fromResults !== undefined) {
    const results = JSON.parse(readFileSync(options.fromResults, "utf8")) as BenchResults;
    writeOutputs(results, options, false);
    log(`wrote ${path.relative(process.cwd(), options.markdown)} from ${path.relative(process.cwd(), options.fromResults)}`);
    return 0;
  }
  const started = new Date();
  const t0 = performance.now();
  const machine: Machine = describeMachine();
  let postgres: Awaited<ReturnType<typeof checkPostgres>> | undefined;

  // Fail before measuring anything when a service the run needs is missing.
  if ((options.sections.has("runtime") || options.sections.has("http")) && options.backends.includes("postgres")) {
    postgres = await checkPostgres();
    log(`PostgreSQL: ${postgres.version}`);
  }
  log(`fluvius bench (${options.quick ? "quick" : "full"}) on ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}`);

  const skipped = (reason: string): Skipped => ({ status: "skipped", reason });
  let generator: GeneratorResult | Skipped = skipped("not selected (--sections)");
  if (options.sections.has("generator")) {
    const t = performance.now();
    log("generator");
    generator = benchGenerator({ ...options.settings.generator, log });
    log(`generator: ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  let runtime: RuntimeResult | Skipped = skipped("not selected (--sections)");
  if (options.sections.has("runtime")) {
    const t = performance.now();
    runtime = await benchRuntime({ ...options.settings.runtime, lists: options.settings.runtime.lists ?? { rows: 200_000 }, backends: options.backends, log });
    log(`runtime: ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  let http: HttpResult | Skipped = skipped("not selected (--sections)");
  if (options.sections.has("http")) {
    const t = performance.now();
    log("http");
    http = await benchHttp({ ...options.settings.http, backends: options.backends, log });
    log(`http: ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }

  let editor: EditorResult | Skipped = skipped("not selected (--sections)");
  if (options.sections.has("editor")) {
    const t = performance.now();
    log("editor");
    editor = await benchEditor({ ...(options.settings.editor ?? { sizes: [1000], edits: 20 }), log });
    log(`editor: ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }

  const results: BenchResults = {
    format: 1,
    mode: options.quick ? "quick" : "full",
    runId,
    startedAt: started.toISOString(),
    durationSeconds: (performance.now() - t0) / 1000,
    machine: {
      ...machine,
      ...(postgres && { postgres: postgres.version, postgresSettings: postgres.settings }),
      loadAverage: { ...machine.loadAverage, end: currentLoad() },
    },
    settings: options.settings,
    generator,
    runtime,
    http,
    editor,
    targets: evaluateTargets(generator, runtime, editor),
  };

  writeOutputs(results, options, true);
  log("");
  for (const t of results.targets) log(`${t.met === null ? "  -  " : t.met ? " met " : " MISS"} ${t.description}: ${t.figure}${t.note ? ` (${t.note})` : ""}`);
  log(
    `\nwrote ${[options.markdown, options.json, ...("status" in runtime ? [] : [options.svg])].map((f) => path.relative(process.cwd(), f)).join(", ")} in ${Math.round(results.durationSeconds)} s`,
  );
  return 0;
}

/** BENCHMARKS.md, the chart (when the runtime ran) and, unless re-rendering, the results file. */
function writeOutputs(results: BenchResults, options: Options, withJson: boolean): void {
  for (const file of [options.markdown, options.json, options.svg]) mkdirSync(path.dirname(file), { recursive: true });
  let chartLink: string | undefined;
  if (!("status" in results.runtime)) {
    writeFileSync(options.svg, runtimeChart(results.runtime));
    chartLink = path.relative(path.dirname(options.markdown), options.svg).split(path.sep).join("/");
  }
  if (withJson) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(options.markdown, renderMarkdown(results, chartLink));
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: cleaning up (databases, folders, workers)…`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof MissingServiceError) console.error(`fluvius bench: ${error.message}`);
  else console.error("fluvius bench failed:", error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
