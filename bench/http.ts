/**
 * Section 3 of `npm run bench`: the HTTP API.
 *
 * A project made by `fluvius init` (the banking example), generated and migrated, served by
 * `fluvius serve` in its own process, on PostgreSQL (a throwaway database) and on PGlite
 * (the project's embedded default). autocannon drives `POST /api/banking:deposit/account/{id}`
 * with a bearer token over `connections` keep-alive connections, cycling through the same
 * number of accounts as the runtime benchmark. The baseline, measured in the same rounds
 * (interleaved, order rotated), is the runtime in-process at as many clients: the same
 * deposit through `createAggregateService`, without HTTP, JSON, auth or the server process.
 *
 * autocannon, the server and the database share this machine's cores, as they would on a
 * single host; the ratio shows what the HTTP layer costs on top of the runtime.
 */
import autocannon from "autocannon";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pairedRatio, stats, type Stats } from "./lib/measure.js";
import { createDatabase, createTempDir, onCleanup } from "./lib/services.js";
import { rotate, startAll, type Backend } from "./runtime/index.js";
import { ACCOUNTS } from "./runtime/subjects/commands.js";
import { inParallel } from "./runtime/throughput.js";
import type { Throughput } from "./runtime/throughput.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "bin/run.js");

export interface HttpOptions {
  readonly backends: readonly Backend[];
  readonly runs: number;
  /** Measured seconds per run (autocannon's duration, at least 1). */
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Pool size of the in-process baseline (`fluvius serve` uses 16 too). */
  readonly poolSize: number;
  readonly log?: (line: string) => void;
}

export interface HttpBackendFigures {
  readonly backend: Backend;
  /** Successful (2xx) commands per second. */
  readonly perSecond: Stats;
  readonly samples: number[];
  /** Latency percentiles in milliseconds, per run. */
  readonly p50: Stats;
  readonly p99: Stats;
  /** Requests over all measured runs, and those that failed (non-2xx, socket errors, timeouts). */
  readonly requests: number;
  readonly failed: number;
  /** The runtime in-process at `connections` clients, same rounds. */
  readonly inProcess: Stats;
  readonly inProcessSamples: number[];
  /** HTTP commands/s over in-process commands/s, same round. */
  readonly vsInProcess: Stats;
}

export interface HttpResult {
  readonly runs: number;
  readonly seconds: number;
  readonly connections: number;
  readonly accounts: number;
  readonly backends: HttpBackendFigures[];
}

function cli(cwd: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: withoutDatabaseUrl() });
  if (result.status !== 0) throw new Error(`\`fluvius ${args.join(" ")}\` exited with ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The served project picks its database from flags only, never from the caller's environment. */
function withoutDatabaseUrl(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["DATABASE_URL"];
  return env;
}

/** `fluvius init`, this build linked as its dependency (what `npm install` does), generate, first migration. */
function makeProject(): string {
  const { dir } = createTempDir("http-project");
  cli(dir, "init", ".");
  mkdirSync(path.join(dir, "node_modules/@fluvius"), { recursive: true });
  symlinkSync(repo, path.join(dir, "node_modules/fluvius"), "dir");
  symlinkSync(path.join(repo, "packages/runtime"), path.join(dir, "node_modules/@fluvius/runtime"), "dir");
  cli(dir, "generate");
  cli(dir, "migrate", "new", "init");
  return dir;
}

interface Server {
  readonly base: string;
  stop(): Promise<void>;
}

/** `fluvius serve --port 0 --migrate` in its own process; resolves with its base URL once it listens. */
async function serve(dir: string, databaseUrl: string | undefined): Promise<Server> {
  const args = [bin, "serve", "--port", "0", "--migrate", ...(databaseUrl === undefined ? [] : ["--database-url", databaseUrl])];
  const child = spawn(process.execPath, args, { cwd: dir, env: withoutDatabaseUrl(), stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = onCleanup(`fluvius serve in ${dir}`, async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  });
  let output = "";
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fluvius serve did not start within 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+?)\/api/.exec(output);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`fluvius serve exited with ${code}:\n${output}`));
      });
    });
    // Keep draining its output so a chatty server never blocks on a full pipe.
    child.stdout.resume();
    child.stderr.resume();
    return { base, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function openAccounts(base: string, token: string, count: number, connections: number): Promise<string[]> {
  return inParallel(count, connections, async () => {
    const response = await fetch(`${base}/api/banking:open-account/account/:new`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ customerId: crypto.randomUUID(), accountType: "checking" }),
    });
    const body = (await response.json()) as { data?: { account?: { _id?: string } } };
    const id = body.data?.account?._id;
    if (response.status !== 200 || id === undefined) throw new Error(`opening an account answered ${response.status}: ${JSON.stringify(body)}`);
    return id;
  });
}

interface CannonRun {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly failed: number;
}

/** Deposits of "1.00" over keep-alive connections, each request on the next account in turn. */
async function cannon(base: string, token: string, ids: readonly string[], connections: number, seconds: number): Promise<CannonRun> {
  let next = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: Math.max(1, seconds),
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    requests: [
      {
        method: "POST",
        body: JSON.stringify({ amount: "1.00" }),
        setupRequest: (request) => ({ ...request, path: `/api/banking:deposit/account/${ids[next++ % ids.length]}` }),
      },
    ],
  });
  const ok = result["2xx"];
  const failed = result.non2xx + result.errors + result.timeouts;
  return { perSecond: ok / result.duration, p50: result.latency.p50, p99: result.latency.p99, requests: ok + failed, failed };
}

async function benchBackend(backend: Backend, dir: string, options: HttpOptions, log: (line: string) => void): Promise<HttpBackendFigures> {
  const database = backend === "postgres" ? await createDatabase("http") : undefined;
  const { workers, stop: stopWorkers } = await startAll(backend, ["fluvius"] as const, options.poolSize);
  let server: Server | undefined;
  try {
    const inProcess = workers.get("fluvius")!;
    await inProcess.call("setup");
    server = await serve(dir, database?.url);
    const token = cli(dir, "token", "--sub", "teller-1", "--tenant", "bench", "--role", "teller").trim();
    const ids = await openAccounts(server.base, token, ACCOUNTS, options.connections);
    await cannon(server.base, token, ids, options.connections, options.warmupSeconds); // warm-up

    type Variant = "http" | "in-process";
    const http: CannonRun[] = [];
    const local: number[] = [];
    for (let round = 0; round < options.runs; round++) {
      const line: string[] = [];
      for (const variant of rotate<Variant>(["http", "in-process"], round)) {
        if (variant === "http") {
          const run = await cannon(server.base, token, ids, options.connections, options.seconds);
          http.push(run);
          line.push(`HTTP ${run.perSecond.toFixed(0)}/s p50 ${run.p50} ms p99 ${run.p99} ms${run.failed > 0 ? ` (${run.failed} failed)` : ""}`);
        } else {
          const run = await inProcess.call<Throughput>("run", { clients: options.connections, seconds: options.seconds, warmupSeconds: options.warmupSeconds });
          local.push(run.perSecond);
          line.push(`in-process ${run.perSecond.toFixed(0)}/s`);
        }
      }
      log(`  ${backend}, ${options.connections} connections, round ${round + 1}/${options.runs}: ${line.join(", ")}`);
    }
    const samples = http.map((r) => r.perSecond);
    return {
      backend,
      perSecond: stats(samples),
      samples,
      p50: stats(http.map((r) => r.p50)),
      p99: stats(http.map((r) => r.p99)),
      requests: http.reduce((sum, r) => sum + r.requests, 0),
      failed: http.reduce((sum, r) => sum + r.failed, 0),
      inProcess: stats(local),
      inProcessSamples: local,
      vsInProcess: pairedRatio(samples, local),
    };
  } finally {
    await server?.stop();
    await stopWorkers();
    await database?.drop();
  }
}

export async function benchHttp(options: HttpOptions): Promise<HttpResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const dir = makeProject();
  log(`  made, generated and migrated a \`fluvius init\` project in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const backends: HttpBackendFigures[] = [];
  for (const backend of options.backends) backends.push(await benchBackend(backend, dir, options, log));
  return { runs: options.runs, seconds: Math.max(1, options.seconds), connections: options.connections, accounts: ACCOUNTS, backends };
}
