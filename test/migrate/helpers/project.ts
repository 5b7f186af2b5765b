import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { compile } from "../../../src/compile.js";
import { DiagnosticCollector } from "../../../src/diagnostics/collector.js";
import { memoryHost, type MemoryHost } from "../../../src/host/memory-host.js";
import { type MigrationFile, readMigrationsFolder } from "../../../src/migrate/files.js";
import { type MigrationPlan, planMigration, writeMigration } from "../../../src/migrate/plan.js";
import { slugify } from "../../../src/migrate/render.js";
import { lower } from "../../../src/model/lower.js";
import { fixturesRoot } from "../../helpers/fixtures.js";

export const EVOLUTION = path.join(fixturesRoot, "migrate", "evolution");

/** The spec files of fixtures/migrate/evolution/<version>, by name. */
export function evolutionSpecs(version: "v1" | "v2" | "v3"): Record<string, string> {
  const dir = path.join(EVOLUTION, version);
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
}

/** An in-memory project: no fluvius.yaml (defaults), specs in domains/, migrations in migrations/. */
export function project(specs: Record<string, string> = {}): MemoryHost {
  const host = memoryHost();
  setSpecs(host, specs);
  return host;
}

/** Replaces every spec file of the project (the migrations stay). */
export function setSpecs(host: MemoryHost, specs: Record<string, string>): void {
  for (const p of [...host.files.keys()]) if (p.startsWith("/project/domains/")) host.files.delete(p);
  for (const [name, text] of Object.entries(specs)) host.files.set(`/project/domains/${name}`, new TextEncoder().encode(text));
}

/** Runs the front end on the project; fails the test when the specs are not valid. */
export async function compiled(host: MemoryHost) {
  const result = await compile({ host });
  expect(
    result.diagnostics.filter((d) => d.severity === "error"),
    "the test's specs must be valid",
  ).toEqual([]);
  if (!result.config || !result.domains) throw new Error("unreachable");
  return { config: result.config, domains: result.domains, model: lower(result.domains) };
}

/** `fluvius migrate new <name>` on the in-memory project: plans, and writes when ready. */
export async function migrateNew(host: MemoryHost, name: string, allowDestructive = false): Promise<MigrationPlan> {
  const { config, model } = await compiled(host);
  const plan = await planMigration({ host, config, model, slug: slugify(name), allowDestructive });
  if (plan.status === "ready") await writeMigration(host, plan);
  return plan;
}

/** Like migrateNew, but the migration must be written. */
export async function mustMigrate(host: MemoryHost, name: string, allowDestructive = false) {
  const plan = await migrateNew(host, name, allowDestructive);
  if (plan.status !== "ready") throw new Error(`expected a migration, got ${plan.status}: ${plan.diagnostics.map((d) => d.message).join("\n")}`);
  return plan;
}

export async function migrationFiles(host: MemoryHost): Promise<MigrationFile[]> {
  const diagnostics = new DiagnosticCollector();
  const folder = await readMigrationsFolder(host, "/project/migrations", diagnostics);
  expect(diagnostics.sorted()).toEqual([]);
  return [...folder.migrations];
}

/** Text of a file of the project, or undefined. */
export function read(host: MemoryHost, p: string): string | undefined {
  return host.text(p);
}

/** `diagnostic lines` like the invalid fixtures: "file:line:col severity code". */
export function lines(diagnostics: readonly { range: { file: string; start: { line: number; column: number } }; severity: string; code: string }[]): string[] {
  return diagnostics.map((d) => `${d.range.file}:${d.range.start.line}:${d.range.start.column} ${d.severity} ${d.code}`);
}
