/**
 * The bench still works (CI runs only this, the quick mode): `npm run bench -- --quick` into a
 * temporary folder writes BENCHMARKS.md with every table, the results file and the chart,
 * and leaves no database behind. A missing PostgreSQL server is a clear message, not a stack.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SERVER_URL = process.env["FLUVIUS_BENCH_PG"] ?? process.env["FLUVIUS_TEST_PG"] ?? "postgres://postgres@127.0.0.1:5432/test";

function bench(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["--import", "tsx", "bench/run.ts", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 400_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

describe("npm run bench -- --quick", () => {
  const out = mkdtempSync(path.join(tmpdir(), "fluvius-bench-quick-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test("writes BENCHMARKS.md with every table, bench-results.json and the chart", { timeout: 420_000 }, async () => {
    const real = path.join(root, "BENCHMARKS.md");
    const before = existsSync(real) ? statSync(real).mtimeMs : undefined;

    // Two runs per figure show min, median and max at two thirds of the time: three passed 400 s under the suite's load.
    const run = bench(["--quick", "--runs", "2", "--out-dir", out]);
    expect(run.stderr).not.toMatch(/failed/);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

    // The real report is untouched.
    expect(existsSync(real) ? statSync(real).mtimeMs : undefined).toBe(before);

    const md = readFileSync(path.join(out, "BENCHMARKS.md"), "utf8");
    for (const heading of [
      "## Machine",
      "## Targets",
      "## 1. Generator",
      "## 2. Runtime",
      "### 2.1 Commands per second",
      "### 2.2 Loading a long stream",
      "### 2.3 Catch-up subscription",
      "### 2.4 Reactions",
      "### 2.5 Filtered catch-up on a big store",
      "### 2.6 Asynchronous views",
      "### 2.7 What features cost a command",
      "### 2.8 Lists at scale",
      "## 3. HTTP",
      "## 4. Editor",
    ]) {
      expect(md).toContain(heading);
    }
    // The machine, stated at the top.
    expect(md).toMatch(/\| CPU \| \d+ cores/);
    expect(md).toMatch(/\| PostgreSQL \| PostgreSQL \d+/);
    expect(md).toContain(`| Node.js | ${process.version} |`);
    // Generator: every step for both quick sizes, with ratios to the floor.
    for (const size of ["10", "100"]) {
      for (const step of [
        "floor: read specs",
        "formatter alone",
        "`fluvius validate`",
        "from cold",
        "no change",
        "one field changed",
        "`fluvius breaking --against HEAD~1`",
      ]) {
        expect(md).toMatch(new RegExp(`\\| ${size} \\| [^\\n]*${step.replace(/[.*+?^${}()|[\]\\`]/g, "\\$&")}[^\\n]*\\|`));
      }
    }
    // Runtime: both backends, every contender at 1 and 16 clients; Emmett on PostgreSQL.
    for (const backend of ["PostgreSQL", "PGlite"]) {
      expect(md).toContain(`#### ${backend}\n`);
      expect(md).toContain(`#### ${backend}: a 2,000-event stream`);
      expect(md).toContain(`#### ${backend}: 2,000 events, batches of 100`);
      expect(md).toContain(`#### ${backend}: 1,000 waiting events; 20 commands 20 ms apart`);
      expect(md).toMatch(new RegExp(`#### ${backend}: a 20,000-event store \\(built in \\d+ s\\), pages of 100`));
      expect(md).toContain(`#### ${backend}: 2,000 events per round, batches of 500`);
      expect(md).toContain(`#### ${backend}: 16 clients`);
    }
    for (const row of [
      "| reaction: event committed",
      "| floor: `catchUp` over as many events",
      "| default settings: woken by the commit",
      "| polling only",
      "| caught up:",
      "| first page:",
      "| projector of an asynchronous view",
      "| floor: `catchUp` over the same events",
      "| deposit, inline view",
      "| register, 2 unique indexes",
      "| place, 4 refs checked",
    ]) {
      expect(md.split(row).length - 1, row).toBe(2); // one row per backend
    }
    for (const clients of ["1", "16"]) {
      for (const contender of ["**fluvius**", "fluvius, stream cache off", "raw INSERT, own transaction", "raw INSERT, autocommit", "Emmett"]) {
        expect(md).toContain(`| ${clients} | ${contender}`);
      }
    }
    expect(md).toContain("× Emmett");
    expect(md).toContain("![Commands per second");
    expect(md).toContain("(runtime-chart.svg)");
    // HTTP: both backends, next to the in-process rate.
    for (const backend of ["PostgreSQL", "PGlite"]) expect(md).toMatch(new RegExp(`\\| ${backend} \\| [\\d,]+ <sub>`));
    expect(md).toContain("| HTTP × in-process |");
    // Editor: the baseline and the quick size, after an edit and on completion.
    expect(md).toMatch(/\| baseline \| 10 \(1 file\) \| \d/);
    expect(md).toMatch(/\| synthetic \| 100 \(\d+ files\) \| \d/);
    expect(md).not.toMatch(/NaN|undefined|Infinity/);

    const svg = readFileSync(path.join(out, "runtime-chart.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain(">PostgreSQL</text>");
    expect(svg).toContain(">PGlite</text>");
    expect(svg).not.toMatch(/NaN|undefined/);

    const results = JSON.parse(readFileSync(path.join(out, "bench-results.json"), "utf8"));
    expect(results.mode).toBe("quick");
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.generator.sizes.map((s: { aggregates: number }) => s.aggregates)).toEqual([10, 100]);
    expect(results.runtime.backends.map((b: { backend: string }) => b.backend)).toEqual(["postgres", "pglite"]);
    for (const backend of results.runtime.backends) {
      for (const group of backend.commands) {
        for (const contender of group.contenders) {
          expect(contender.perSecond.n).toBe(2);
          expect(contender.perSecond.median).toBeGreaterThan(0);
          expect(contender.perSecond.min).toBeLessThanOrEqual(contender.perSecond.median);
          expect(contender.perSecond.max).toBeGreaterThanOrEqual(contender.perSecond.median);
        }
      }
    }
    expect(results.targets.length).toBeGreaterThanOrEqual(8);
    expect(results.http.backends.map((b: { backend: string }) => b.backend)).toEqual(["postgres", "pglite"]);
    expect(results.editor.sizes.map((s: { aggregates: number }) => s.aggregates)).toEqual([100]);
    expect(results.editor.sizes[0].diagnostics.n).toBe(6);
    for (const backend of results.http.backends) {
      expect(backend.perSecond.n).toBe(2);
      expect(backend.perSecond.median).toBeGreaterThan(0);
      expect(backend.p99.median).toBeGreaterThanOrEqual(backend.p50.median);
      expect(backend.inProcess.median).toBeGreaterThan(0);
      // Every request of the load answered 2xx: nothing conflicts, times out or fails.
      expect(backend.failed).toBe(0);
    }

    // Cleaned up: no database of this run is left on the server.
    const client = new pg.Client({ connectionString: SERVER_URL });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT datname FROM pg_database WHERE datname LIKE $1", [`fluvius_bench_${results.runId}_%`]);
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  test("a missing PostgreSQL server is a clear message and exit code 1", { timeout: 60_000 }, () => {
    const run = bench(["--sections", "runtime", "--out-dir", out], { FLUVIUS_BENCH_PG: "postgres://postgres@127.0.0.1:1/none" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("PostgreSQL is not reachable at postgres://postgres@127.0.0.1:1/none");
    expect(run.stderr).toContain("FLUVIUS_BENCH_PG");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
