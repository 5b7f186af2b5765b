import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { applyGeneration, planGeneration } from "../../src/generate/generate.js";
import { memoryHost, type MemoryHost } from "../../src/host/memory-host.js";

/** An in-memory project whose specs are a fixture's spec/ folder, with the fixture's fluvius.yaml if it has one. */
export function fixtureProject(fixtureDir: string, extra: Record<string, string> = {}): MemoryHost {
  const config = path.join(fixtureDir, "fluvius.yaml");
  const files: Record<string, string> = { "fluvius.yaml": existsSync(config) ? readFileSync(config, "utf8") : "specs: [spec/**/*.yaml]\n", ...extra };
  const specDir = path.join(fixtureDir, "spec");
  for (const name of readdirSync(specDir)) files[`spec/${name}`] = readFileSync(path.join(specDir, name), "utf8");
  return memoryHost(files);
}

/** Runs `fluvius generate` against the host and applies what it plans, like the command does. */
export async function generateInto(host: MemoryHost, options: { force?: boolean } = {}) {
  const plan = await planGeneration({ host, ...options });
  const errors = plan.diagnostics.filter((d) => d.severity === "error");
  const { manifestWritten } = errors.length === 0 ? await applyGeneration(host, plan) : { manifestWritten: false };
  return { ...plan, manifestWritten };
}

/** The files under a folder of the host, relative to it. */
export function filesUnder(host: MemoryHost, folder: string, options: { skip?: RegExp } = {}): Map<string, string> {
  const prefix = `${host.cwd}/${folder}/`;
  const result = new Map<string, string>();
  for (const [p, bytes] of host.files) {
    if (!p.startsWith(prefix)) continue;
    const relative = p.slice(prefix.length);
    if (options.skip?.test(relative)) continue;
    result.set(relative, new TextDecoder().decode(bytes));
  }
  return new Map([...result].sort(([a], [b]) => (a < b ? -1 : 1)));
}
