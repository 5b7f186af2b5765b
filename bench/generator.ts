/**
 * Section 1 of `npm run bench`: the generator on synthetic specs (bench/synthetic-spec.ts).
 *
 * For each size, every round runs, each in a fresh process measured from spawn to exit
 * (wall time and peak resident memory):
 *   validate   `fluvius validate`;
 *   cold       `fluvius generate` with no output folders;
 *   floor      read every spec file and write the same number of files, of the same sizes,
 *              that a cold `generate` writes (bench/lib/floor.mjs): the I/O and process
 *              start-up that no generator can avoid;
 *   formatter  prettier alone on the TypeScript files of that cold `generate`, on as many
 *              threads (bench/lib/prettier-floor.mjs): what the chosen formatter costs on this
 *              machine in this round, whoever calls it;
 *   unchanged  `fluvius generate` again, nothing changed;
 *   changed    `fluvius generate` after one state field of one aggregate was added (odd
 *              rounds) or removed again (even rounds);
 *   breaking   that change committed, `fluvius breaking --against HEAD~1`: the specs of the
 *              commit before read from git's objects and compared with the current ones.
 * Each figure is the median of the rounds, with min and max, and its ratio to the floor of
 * the same round.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pairedRatio, runCliMeasured, runNodeMeasured, type Sample, stats, type Stats } from "./lib/measure.js";
import { syntheticSpec } from "./synthetic-spec.js";

const floorScript = fileURLToPath(new URL("./lib/floor.mjs", import.meta.url));
const formatterScript = fileURLToPath(new URL("./lib/prettier-floor.mjs", import.meta.url));

export interface Measured {
  readonly time: Stats;
  readonly peakBytes: Stats;
  /** time / floor time of the same round. */
  readonly ratioToFloor: Stats;
}

export interface GeneratorSize {
  readonly aggregates: number;
  readonly specFiles: number;
  readonly specBytes: number;
  /** What a cold `generate` writes (generated folder, handlers, manifest). */
  readonly outputFiles: number;
  readonly outputBytes: number;
  readonly floor: Measured;
  /** prettier alone on the same TypeScript files, on as many threads. */
  readonly formatter: Measured;
  readonly validate: Measured;
  readonly cold: Measured;
  /** cold time / formatter time of the same round. */
  readonly coldVsFormatter: Stats;
  readonly unchanged: Measured;
  readonly changed: Measured;
  /** Absent in results written before `breaking` was measured. */
  readonly breaking?: Measured;
}

export interface GeneratorResult {
  readonly runs: number;
  readonly shape: { readonly actions: number; readonly events: number; readonly fields: number };
  readonly sizes: GeneratorSize[];
}

export interface GeneratorOptions {
  readonly sizes: readonly number[];
  readonly runs: number;
  readonly log?: (line: string) => void;
}

/** A temporary project folder with the synthetic spec under `domains/` (fluvius.yaml's default). */
export function writeSyntheticProject(aggregates: number): { dir: string; files: number; bytes: number } {
  const dir = mkdtempSync(path.join(tmpdir(), `fluvius-bench-${aggregates}-`));
  let bytes = 0;
  const { files } = syntheticSpec({ aggregates });
  for (const file of files) {
    const target = path.join(dir, "domains", ...file.path.split("/"));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    bytes += Buffer.byteLength(file.content);
  }
  return { dir, files: files.length, bytes };
}

/** Every file under `root`, relative, with its size. */
function listFiles(root: string): { path: string; bytes: number }[] {
  const out: { path: string; bytes: number }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push({ path: path.relative(root, full), bytes: statSync(full).size });
    }
  };
  walk(root);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Adds (or removes again) one optional state field in the first aggregate of the first file. */
function toggleOneField(dir: string, add: boolean): void {
  const domains = path.join(dir, "domains");
  const [domain] = readdirSync(domains).sort();
  if (domain === undefined) throw new Error("no synthetic domain");
  const [part] = readdirSync(path.join(domains, domain)).sort();
  if (part === undefined) throw new Error("no synthetic spec file");
  const file = path.join(domains, domain, part);
  const text = readFileSync(file, "utf8");
  const field = "      benchNote: { type: text, optional: true }\n";
  const next = add ? text.replace("    state:\n", `    state:\n${field}`) : text.replace(field, "");
  if (next === text) throw new Error(`could not ${add ? "add" : "remove"} the field in ${file}`);
  writeFileSync(file, next);
}

function commitAll(dir: string, message: string): void {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false", ...args], { cwd: dir, stdio: "pipe" });
  if (!existsSync(path.join(dir, ".git"))) git("init", "--quiet");
  git("add", "--all");
  git("commit", "--quiet", "--allow-empty", "-m", message);
}

function summarise(samples: readonly Sample[], floor: readonly Sample[]): Measured {
  const ms = samples.map((s) => s.ms);
  return {
    time: stats(ms),
    peakBytes: stats(samples.map((s) => s.peakBytes)),
    ratioToFloor: pairedRatio(
      ms,
      floor.map((s) => s.ms),
    ),
  };
}

export function benchGeneratorSize(aggregates: number, runs: number, log: (line: string) => void = () => undefined): GeneratorSize {
  const project = writeSyntheticProject(aggregates);
  const { dir } = project;
  const src = path.join(dir, "src");
  const scratch = mkdtempSync(path.join(tmpdir(), "fluvius-bench-floor-"));
  try {
    // Warm the file system cache.
    runCliMeasured(["validate"], dir);
    // A repository, so `breaking` has a revision to compare with; the generated files are not part of it.
    writeFileSync(path.join(dir, ".gitignore"), "src/\n.fluvius/\nfluvius.lock.json\n.fluvius-manifest.json\n");
    commitAll(dir, "the synthetic spec");
    const manifest = path.join(scratch, "manifest.json");
    const floorOut = path.join(scratch, "out");
    const formatterIn = path.join(scratch, "formatter-in");
    const formatterOut = path.join(scratch, "formatter-out");
    let output: { path: string; bytes: number }[] = [];

    const floor: Sample[] = [];
    const formatter: Sample[] = [];
    const validate: Sample[] = [];
    const cold: Sample[] = [];
    const unchanged: Sample[] = [];
    const changed: Sample[] = [];
    const breaking: Sample[] = [];
    for (let round = 1; round <= runs; round++) {
      validate.push(runCliMeasured(["validate"], dir));
      rmSync(src, { recursive: true, force: true });
      // Cold: no local stamps either (.fluvius/generate.json), as in a fresh clone.
      rmSync(path.join(dir, ".fluvius"), { recursive: true, force: true });
      cold.push(runCliMeasured(["generate"], dir));
      if (round === 1) {
        // What a cold generate writes: the floor writes as many files of the same sizes.
        output = listFiles(src);
        writeFileSync(manifest, JSON.stringify(output));
        cpSync(src, formatterIn, { recursive: true });
      }
      rmSync(floorOut, { recursive: true, force: true });
      floor.push(runNodeMeasured(floorScript, [path.join(dir, "domains"), manifest, floorOut], dir, "floor"));
      rmSync(formatterOut, { recursive: true, force: true });
      formatter.push(runNodeMeasured(formatterScript, [formatterIn, formatterOut], dir, "formatter"));
      unchanged.push(runCliMeasured(["generate"], dir));
      toggleOneField(dir, round % 2 === 1);
      changed.push(runCliMeasured(["generate"], dir));
      commitAll(dir, `round ${round}`);
      breaking.push(runCliMeasured(["breaking", "--against", "HEAD~1"], dir));
      const last = (s: Sample[]) => `${(s[s.length - 1]!.ms / 1000).toFixed(2)} s`;
      log(
        `  generator ${aggregates} aggregates, round ${round}/${runs}: floor ${last(floor)}, formatter ${last(formatter)}, validate ${last(validate)}, ` +
          `cold ${last(cold)}, unchanged ${last(unchanged)}, changed ${last(changed)}, breaking ${last(breaking)}`,
      );
    }
    return {
      aggregates,
      specFiles: project.files,
      specBytes: project.bytes,
      outputFiles: output.length,
      outputBytes: output.reduce((sum, f) => sum + f.bytes, 0),
      floor: summarise(floor, floor),
      formatter: summarise(formatter, floor),
      validate: summarise(validate, floor),
      cold: summarise(cold, floor),
      coldVsFormatter: pairedRatio(
        cold.map((s) => s.ms),
        formatter.map((s) => s.ms),
      ),
      unchanged: summarise(unchanged, floor),
      changed: summarise(changed, floor),
      breaking: summarise(breaking, floor),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function benchGenerator(options: GeneratorOptions): GeneratorResult {
  const log = options.log ?? (() => undefined);
  return {
    runs: options.runs,
    shape: { actions: 5, events: 5, fields: 8 },
    sizes: options.sizes.map((n) => benchGeneratorSize(n, options.runs, log)),
  };
}
