import { DiagnosticCollector } from "../diagnostics/collector.js";
import { type Diagnostic, type SourceRange, wholeFile } from "../diagnostics/diagnostic.js";
import type { Host } from "../host/host.js";
import { displayPath } from "../host/paths.js";
import type { ProjectConfig } from "../load/config.js";
import type { Model } from "../model/model.js";
import { type Change, diffSchemas } from "./diff.js";
import { migrationFileName, type MigrationsFolder, readMigrationsFolder, snapshotPath } from "./files.js";
import { renderMigration } from "./render.js";
import { rangeOf } from "./sites.js";
import { desiredSchema, parseSnapshot, type SchemaSnapshot, serialiseSnapshot } from "./snapshot.js";

export interface PlanOptions {
  readonly host: Host;
  readonly config: ProjectConfig;
  /** The lowered model of valid specs. */
  readonly model: Model;
}

/** The spec compared with the last migration's snapshot. */
export interface Comparison {
  readonly diagnostics: readonly Diagnostic[];
  /** Present when the comparison could be made (no diagnostics with errors). */
  readonly result?: {
    readonly folder: MigrationsFolder;
    /** The snapshot compared with (undefined: there is no migration yet). */
    readonly base?: { readonly id: number; readonly displayPath: string; readonly snapshot: SchemaSnapshot };
    readonly desired: SchemaSnapshot;
    readonly changes: readonly Change[];
  };
}

/** Reads the migrations folder and the latest snapshot, and diffs the spec against it. */
export async function compareWithMigrations(options: PlanOptions): Promise<Comparison> {
  const { host, config } = options;
  const diagnostics = new DiagnosticCollector();
  const done = (): Comparison => ({ diagnostics: diagnostics.sorted() });
  const folder = await readMigrationsFolder(host, config.output.migrations, diagnostics);
  const desired = desiredSchema(options.model);
  const fallback = wholeFile(folder.displayDir);
  for (const p of desired.problems) {
    const at = rangeOf(options.model, p.site, fallback);
    if (p.code === "invalid-sql-name") diagnostics.report(p.code, p.params, at);
    else
      diagnostics.report(p.code, p.params, at, {
        related: [{ ...rangeOf(options.model, p.related, fallback), message: `${p.params.first} is declared here` }],
      });
  }
  if (diagnostics.hasErrors()) return done();

  let base: { id: number; displayPath: string; snapshot: SchemaSnapshot } | undefined;
  const last = folder.migrations.at(-1);
  if (last) {
    // The latest snapshot that belongs to a migration (a hand-written one has none; a
    // snapshot whose migration was deleted, to be regenerated, is ignored).
    const ids = new Set(folder.migrations.map((m) => m.id));
    const id = [...folder.snapshots.keys()].filter((n) => ids.has(n)).sort((a, b) => b - a)[0];
    const path = id === undefined ? undefined : folder.snapshots.get(id);
    if (id === undefined || path === undefined) {
      diagnostics.report("migration-snapshot-missing", { folder: folder.displayDir, last: last.name }, wholeFile(folder.displayDir));
      return done();
    }
    const shown = displayPath(host.cwd, path);
    let text: string;
    try {
      text = new TextDecoder().decode(await host.readFile(path));
    } catch (error) {
      diagnostics.report("invalid-migration-snapshot", { detail: error instanceof Error ? error.message : String(error) }, wholeFile(shown));
      return done();
    }
    const parsed = parseSnapshot(text);
    if (typeof parsed === "string") {
      diagnostics.report("invalid-migration-snapshot", { detail: `${shown}: ${parsed}` }, wholeFile(shown));
      return done();
    }
    base = { id, displayPath: shown, snapshot: parsed };
  }
  if (diagnostics.hasErrors()) return done();
  const changes = diffSchemas(base?.snapshot, desired.snapshot, desired.renames);
  return { diagnostics: diagnostics.sorted(), result: { folder, ...(base ? { base } : {}), desired: desired.snapshot, changes } };
}

export interface NewMigrationOptions extends PlanOptions {
  /** The slug of the file name (see `slugify`). */
  readonly slug: string;
  readonly allowDestructive: boolean;
}

export interface PlannedFile {
  readonly path: string;
  readonly displayPath: string;
  readonly content: string;
}

export type MigrationPlan =
  /** Folder, snapshot or names are broken; see the diagnostics. */
  | { readonly status: "invalid"; readonly diagnostics: readonly Diagnostic[] }
  /** The spec matches the last snapshot: nothing to write. */
  | { readonly status: "unchanged"; readonly diagnostics: readonly Diagnostic[]; readonly base?: string }
  /** Destructive changes without --allow-destructive: one diagnostic each. */
  | { readonly status: "refused"; readonly diagnostics: readonly Diagnostic[]; readonly changes: readonly Change[] }
  | {
      readonly status: "ready";
      readonly diagnostics: readonly Diagnostic[];
      readonly changes: readonly Change[];
      readonly migration: PlannedFile & { readonly name: string };
      readonly snapshot: PlannedFile;
    };

/** What `fluvius migrate new` would write. Pure apart from reading the migrations folder. */
export async function planMigration(options: NewMigrationOptions): Promise<MigrationPlan> {
  const comparison = await compareWithMigrations(options);
  const result = comparison.result;
  if (!result) return { status: "invalid", diagnostics: comparison.diagnostics };
  const { folder, base, desired, changes } = result;
  if (changes.length === 0) return { status: "unchanged", diagnostics: comparison.diagnostics, ...(base ? { base: base.displayPath } : {}) };

  const destructive = changes.filter((c) => c.loss !== undefined);
  if (destructive.length > 0 && !options.allowDestructive) {
    const diagnostics = new DiagnosticCollector();
    diagnostics.add(comparison.diagnostics);
    const fallback: SourceRange = wholeFile(base?.displayPath ?? folder.displayDir);
    for (const c of destructive) {
      diagnostics.report("destructive-change", { change: c.summary, loss: c.loss ?? "" }, rangeOf(options.model, c.site, fallback), {
        ...(c.hint === undefined ? {} : { hint: `${c.hint} Or, if the loss is intended, run again with --allow-destructive.` }),
      });
    }
    return { status: "refused", diagnostics: diagnostics.sorted(), changes };
  }

  const id = (folder.migrations.at(-1)?.id ?? 0) + 1;
  const name = migrationFileName(id, options.slug);
  const sqlPath = `${folder.dir}/${name}`;
  const metaPath = snapshotPath(folder.dir, id);
  return {
    status: "ready",
    diagnostics: comparison.diagnostics,
    changes,
    migration: { name, path: sqlPath, displayPath: displayPath(options.host.cwd, sqlPath), content: renderMigration(name, changes) },
    snapshot: { path: metaPath, displayPath: displayPath(options.host.cwd, metaPath), content: serialiseSnapshot(desired, name) },
  };
}

/** Writes a ready plan: the snapshot first, so a crash never leaves a migration without one. */
export async function writeMigration(host: Host, plan: Extract<MigrationPlan, { status: "ready" }>): Promise<void> {
  await host.writeFile(plan.snapshot.path, plan.snapshot.content);
  await host.writeFile(plan.migration.path, plan.migration.content);
}

export interface MigrationDrift {
  /**
   * What the spec changes that no migration captures, one line each ("banking.account: add
   * column tags (string[])"); empty when the last migration's snapshot matches the spec.
   */
  readonly changes: readonly string[];
  /** Problems that prevent the comparison (a broken snapshot, an unusable SQL name). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * For `fluvius generate --check`: does the spec change the database in a way no migration
 * captures yet? With no migration at all, every table is a change.
 */
export async function migrationDrift(model: Model, config: ProjectConfig, host: Host): Promise<MigrationDrift> {
  const comparison = await compareWithMigrations({ model, config, host });
  return { changes: comparison.result?.changes.map((c) => c.summary) ?? [], diagnostics: comparison.diagnostics };
}
