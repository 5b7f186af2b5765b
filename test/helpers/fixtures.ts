import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { type Host, HostError } from "../../src/host/host.js";
import { nodeHost } from "../../src/host/node-host.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const fixturesRoot = path.join(repoRoot, "fixtures");

/**
 * As after `npm install` in a project: node_modules/fluvius (the CLI) and
 * node_modules/@fluvius/runtime (what the generated code imports) are this checkout's.
 */
export function linkFluvius(projectDir: string): void {
  mkdirSync(path.join(projectDir, "node_modules/@fluvius"), { recursive: true });
  symlinkSync(repoRoot, path.join(projectDir, "node_modules/fluvius"), "dir");
  symlinkSync(path.join(repoRoot, "packages/runtime"), path.join(projectDir, "node_modules/@fluvius/runtime"), "dir");
}

/** `UPDATE=1 npm test` rewrites expected files instead of comparing with them. */
export const updating = process.env.UPDATE === "1";

export function fixtureCases(kind: "valid" | "invalid"): { name: string; dir: string }[] {
  const root = path.join(fixturesRoot, kind);
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: d.name, dir: path.join(root, d.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Test-only settings of an invalid fixture (fixture.json): limits and unreadable files. */
export interface FixtureSettings {
  readonly maxFileBytes?: number;
  readonly unreadable?: readonly string[];
}

export function fixtureSettings(dir: string): FixtureSettings {
  const file = path.join(dir, "fixture.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as FixtureSettings) : {};
}

/** The real file system, except that some files refuse to be read (as without permission). */
export function fixtureHost(dir: string, settings: FixtureSettings): Host {
  const host = nodeHost(dir);
  const refused = new Set((settings.unreadable ?? []).map((p) => path.posix.join(host.cwd, p)));
  if (refused.size === 0) return host;
  return {
    ...host,
    async readFile(p) {
      if (refused.has(p)) throw new HostError(p, "permission denied");
      return host.readFile(p);
    },
  };
}

/** One line per diagnostic: `file:line:col severity code`, the format of expected.txt. */
export function diagnosticLines(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.file}:${d.range.start.line}:${d.range.start.column} ${d.severity} ${d.code}`);
}

export function readExpectedLines(file: string): string[] | undefined {
  if (!existsSync(file)) return undefined;
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

export function writeExpectedLines(file: string, lines: readonly string[]): void {
  writeFileSync(file, `${lines.join("\n")}\n`);
}
