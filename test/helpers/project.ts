import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import { runCli } from "./cli.js";
import { fixturesRoot, linkFluvius, repoRoot } from "./fixtures.js";

export interface BuiltProject {
  readonly dir: string;
  /** migrations/*.sql, in order. */
  readonly migrations: readonly string[];
  importGenerated<T = Record<string, unknown>>(): Promise<T>;
}

/**
 * A real project from a valid fixture's specs, built the way a user builds one: `fluvius
 * generate` and `fluvius migrate new init` through the CLI, with this package linked as its
 * node_modules/fluvius. `specDir` defaults to the fixture's spec folder.
 */
export function buildProject(fixture: string, edit?: (dir: string) => void, specDir = path.join(fixturesRoot, "valid", fixture, "spec")): BuiltProject {
  return buildProjectOf(fixture, (domains) => cpSync(specDir, domains, { recursive: true }), edit);
}

/**
 * The same, from spec files given here (file name → YAML), for a test's own small domain;
 * `files` (path in the project → text, e.g. fluvius.yaml) are written before `generate`.
 */
export function buildProjectFromSpecs(
  name: string,
  specs: Readonly<Record<string, string>>,
  edit?: (dir: string) => void,
  files: Readonly<Record<string, string>> = {},
): BuiltProject {
  return buildProjectOf(
    name,
    (domains) => {
      mkdirSync(domains, { recursive: true });
      for (const [file, text] of Object.entries(specs)) writeFileSync(path.join(domains, file), text);
      for (const [file, text] of Object.entries(files)) writeFileSync(path.join(domains, "..", file), text);
    },
    edit,
  );
}

function buildProjectOf(name: string, writeSpecs: (domainsDir: string) => void, edit?: (dir: string) => void): BuiltProject {
  const base = path.join(repoRoot, "test/.tmp");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${name}-`));
  writeSpecs(path.join(dir, "domains"));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `${name}-app`, version: "1.2.3", type: "module", private: true }));
  // As after `npm install`: the project's imports of @fluvius/runtime reach this checkout's package.
  linkFluvius(dir);
  for (const args of [["generate"], ["migrate", "new", "init"]]) {
    const result = runCli(args, { cwd: dir });
    expect(result.status, `fluvius ${args.join(" ")}:\n${result.stdout}\n${result.stderr}`).toBe(0);
  }
  edit?.(dir);
  const migrationsDir = path.join(dir, "migrations");
  const migrations = ["0001_init.sql"].map((f) => readFileSync(path.join(migrationsDir, f), "utf8"));
  return {
    dir,
    migrations,
    importGenerated: async <T>() => (await import(pathToFileURL(path.join(dir, "src/generated/index.ts")).href)) as T,
  };
}

/** Replaces a hand-written handler's body, the way a developer edits the module. */
export function editHandler(dir: string, file: string, find: string, replace: string): void {
  const target = path.join(dir, file);
  const text = readFileSync(target, "utf8");
  if (!text.includes(find)) throw new Error(`${file} does not contain ${JSON.stringify(find)}`);
  writeFileSync(target, text.replace(find, replace));
}

/**
 * Replaces a whole exported stub (`export const <name>…};`) of a hand-written module with
 * `text`, however the formatter wrapped the stub. Fails when the module lacks it.
 */
export function replaceStub(dir: string, file: string, name: string, text: string): void {
  const target = path.join(dir, file);
  const source = readFileSync(target, "utf8");
  const start = source.indexOf(`export const ${name}:`);
  if (start < 0) throw new Error(`${file} does not export ${name}`);
  const end = source.indexOf("\n};", start);
  if (end < 0) throw new Error(`${file}: the stub ${name} has no end`);
  writeFileSync(target, `${source.slice(0, start)}${text.trimEnd()}${source.slice(end + 3)}`);
}
