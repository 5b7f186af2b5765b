import { DiagnosticCollector } from "../diagnostics/collector.js";
import { type Diagnostic, wholeFile } from "../diagnostics/diagnostic.js";
import type { Host } from "../host/host.js";
import type { ProjectConfig } from "../load/config.js";
import { UNIQUE_DUPLICATES_SQLSTATE } from "../emit/sql/index.js";
import type { Model } from "../model/model.js";
import { type Change, diffSchemas } from "./diff.js";
import { type MigrationsFolder, readMigrationsFolder } from "./files.js";
import { compareWithMigrations } from "./plan.js";
import { renderMigration } from "./render.js";
import { MIGRATIONS_TABLE_SQL, migrateUp, readApplied, reconcile } from "./runner.js";
import { rangeOf } from "./sites.js";
import { desiredSchema, parseSnapshot, type SchemaSnapshot, serialiseSnapshot } from "./snapshot.js";
import { errorReason, type MigrationTarget } from "./target.js";

/**
 * Development migrations (`fluvius dev`): the spec's schema changes applied straight to the
 * development database, without a migration file. Each one is recorded here with the schema it
 * leaves (a snapshot) and its SQL; the latest row says what the database looks like beyond its
 * committed migrations. `fluvius migrate new <name>` then writes the committed migration as
 * always (from the last snapshot of the migrations folder); when a database with development
 * changes meets a pending migration whose snapshot is exactly the schema it already has, the
 * migration is recorded as applied without running it, and the development rows are cleared.
 */
export const DEV_MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS public.fluvius_dev_migrations (
  seq         serial      PRIMARY KEY,
  base        text        NOT NULL,             -- the last committed migration it builds on ('' for none)
  snapshot    text        NOT NULL,             -- the schema after it (a snapshot file's text)
  sql         text        NOT NULL,             -- what was run
  applied_at  timestamptz NOT NULL DEFAULT now()
)`;

export interface DevState {
  /** The schema the development changes left (undefined: there are none). */
  readonly snapshot?: SchemaSnapshot;
  /** How many development migrations are applied on top of the committed ones. */
  readonly count: number;
}

/** The development changes applied to this database (none when it has no table for them). */
export async function readDevState(target: MigrationTarget): Promise<DevState> {
  const [table] = await target.db.query<{ present: boolean }>("SELECT to_regclass('public.fluvius_dev_migrations') IS NOT NULL AS present");
  if (!table?.present) return { count: 0 };
  const rows = await target.db.query<{ snapshot: string; count: string | number }>(
    "SELECT snapshot, (SELECT count(*) FROM public.fluvius_dev_migrations) AS count FROM public.fluvius_dev_migrations ORDER BY seq DESC LIMIT 1",
  );
  const row = rows[0];
  if (!row) return { count: 0 };
  const snapshot = parseSnapshot(row.snapshot);
  return typeof snapshot === "string" ? { count: Number(row.count) } : { snapshot, count: Number(row.count) };
}

const sameSchema = (a: SchemaSnapshot, b: SchemaSnapshot) => serialiseSnapshot(a, "") === serialiseSnapshot(b, "");

export type AdoptResult =
  /** Nothing to adopt: no development changes, or no pending migration. */
  | { readonly status: "none" }
  /** The pending migrations were recorded as applied: the database already had their schema. */
  | { readonly status: "adopted"; readonly names: readonly string[] }
  /** The pending migrations do not end at the schema the development changes made. */
  | { readonly status: "mismatch"; readonly problem: string };

/**
 * A database with development changes and pending committed migrations: when the last pending
 * migration's snapshot is the schema the development changes made, records them as applied
 * (without running them: their tables and columns are there) and clears the development rows.
 */
export async function adoptDevChanges(host: Host, target: MigrationTarget, folder: MigrationsFolder): Promise<AdoptResult> {
  const dev = await readDevState(target);
  if (dev.snapshot === undefined) return { status: "none" };
  const records = await readApplied(target.db);
  const { pending, diagnostics } = reconcile(folder.migrations, records, folder.displayDir);
  if (pending.length === 0 || diagnostics.length > 0) return { status: "none" };
  const last = pending.at(-1);
  const snapshotFile = last === undefined ? undefined : folder.snapshots.get(last.id);
  const names = pending.map((p) => p.name);
  const mismatch = (why: string): AdoptResult => ({
    status: "mismatch",
    problem: `the development database has ${dev.count} development migration(s) from \`fluvius dev\`, and ${names.join(", ")} ${why}. Make the spec match it (then \`fluvius dev\` adopts it), or start the development database again from the migrations with \`fluvius dev --reset\` (its data is lost).`,
  });
  if (snapshotFile === undefined) return mismatch("has no schema snapshot to compare with");
  const text = await host.readText(snapshotFile).catch(() => undefined);
  const parsed = text === undefined ? "it cannot be read" : parseSnapshot(text);
  if (typeof parsed === "string") return mismatch(`has an unreadable snapshot (${parsed})`);
  if (!sameSchema(parsed, dev.snapshot)) return mismatch("does not leave the schema the development migrations made");
  await target.db.transaction(async (sql) => {
    for (const file of pending) {
      await sql.query("INSERT INTO public.fluvius_migrations (id, name, checksum, duration_ms) VALUES ($1::int, $2::text, $3::text, 0)", [
        file.id,
        file.name,
        file.checksum,
      ]);
    }
    await sql.exec("DELETE FROM public.fluvius_dev_migrations");
  });
  return { status: "adopted", names };
}

export interface DevMigrateOptions {
  readonly host: Host;
  readonly config: ProjectConfig;
  readonly model: Model;
  /** Apply drops and narrowing type changes instead of refusing them. */
  readonly allowDestructive: boolean;
}

export type DevMigrateResult =
  | {
      readonly ok: true;
      /** Committed migrations applied (run) by this pass. */
      readonly applied: readonly string[];
      /** Committed migrations recorded as applied because the development changes had made them already. */
      readonly adopted: readonly string[];
      /** The development migration's changes, one summary each (empty: the schema did not change). */
      readonly changes: readonly Change[];
    }
  | {
      readonly ok: false;
      /** Why nothing (more) was applied: diagnostics, or a sentence. The database is as it was. */
      readonly diagnostics: readonly Diagnostic[];
      readonly problem: string;
    };

/**
 * One `fluvius dev` pass on the development database: the committed migrations it lacks
 * (adopted when the development changes made them already), then the spec's changes beyond
 * them, in one transaction with their bookkeeping row. Destructive changes are refused unless
 * allowed; a statement that fails rolls everything of this development migration back.
 */
export async function devMigrate(target: MigrationTarget, options: DevMigrateOptions): Promise<DevMigrateResult> {
  const { host, config } = options;
  const diagnostics = new DiagnosticCollector();
  const fail = (problem: string): DevMigrateResult => ({ ok: false, diagnostics: diagnostics.sorted(), problem });
  const folder = await readMigrationsFolder(host, config.output.migrations, diagnostics);
  if (diagnostics.hasErrors()) return fail("the migrations folder has errors.");
  await target.db.exec(MIGRATIONS_TABLE_SQL);
  await target.db.exec(DEV_MIGRATIONS_TABLE_SQL);

  const adoption = await adoptDevChanges(host, target, folder);
  if (adoption.status === "mismatch") return fail(adoption.problem);
  const adopted = adoption.status === "adopted" ? adoption.names : [];
  const dev = await readDevState(target);
  let applied: string[] = [];
  if (dev.snapshot === undefined) {
    const up = await migrateUp(target, folder.migrations, folder.displayDir);
    diagnostics.add(up.diagnostics);
    if (diagnostics.hasErrors()) return fail("a committed migration could not be applied.");
    applied = up.applied.map((f) => f.name);
  } else {
    const { pending, diagnostics: problems } = reconcile(folder.migrations, await readApplied(target.db), folder.displayDir);
    diagnostics.add(problems);
    if (diagnostics.hasErrors()) return fail("the database and the migrations folder disagree.");
    if (pending.length > 0) return fail(`${pending.map((p) => p.name).join(", ")} cannot be applied on top of the development migrations.`);
  }

  const comparison = await compareWithMigrations({ host, config, model: options.model });
  diagnostics.add(comparison.diagnostics);
  const result = comparison.result;
  if (!result || diagnostics.hasErrors()) return fail("the spec's schema cannot be compared with the migrations.");
  // The development changes moved the database past the last committed snapshot: diff from there.
  const before = dev.snapshot ?? result.base?.snapshot;
  const changes = dev.snapshot === undefined ? result.changes : diffSchemas(before, result.desired, desiredSchema(options.model).renames);
  if (changes.length === 0) return { ok: true, applied, adopted, changes: [] };

  const destructive = changes.filter((c) => c.loss !== undefined);
  if (destructive.length > 0 && !options.allowDestructive) {
    const fallback = wholeFile(result.folder.displayDir);
    for (const c of destructive) {
      diagnostics.report("destructive-change", { change: c.summary, loss: c.loss ?? "" }, rangeOf(options.model, c.site, fallback), {
        hint: `${c.hint === undefined ? "" : `${c.hint} `}Or, if the loss is intended, run \`fluvius dev --allow-destructive\`.`,
      });
    }
    return fail(`the development database was not changed: ${destructive.length} destructive change(s) refused.`);
  }

  const base = result.folder.migrations.at(-1)?.name ?? "";
  const sql = renderMigration("development migration (fluvius dev)", changes);
  try {
    await target.db.transaction(async (tx) => {
      for (const change of changes) for (const statement of change.statements) await tx.exec(statement);
      await tx.query("INSERT INTO public.fluvius_dev_migrations (base, snapshot, sql) VALUES ($1::text, $2::text, $3::text)", [
        base,
        serialiseSnapshot(result.desired, "dev"),
        sql,
      ]);
    });
  } catch (error) {
    const e = (typeof error === "object" && error !== null ? error : {}) as { code?: string; detail?: string };
    if (e.code === UNIQUE_DUPLICATES_SQLSTATE) {
      diagnostics.report(
        "unique-over-duplicates",
        { file: "the development migration", message: errorReason(error), duplicates: e.detail ?? "" },
        wholeFile(result.folder.displayDir),
        {
          hint: "Nothing of it was applied: the server keeps running on the schema it had. Give the streams listed distinct values (the server still takes commands), then save the spec again; or drop `unique` from the spec.",
        },
      );
      return fail("the development migration could not be applied.");
    }
    diagnostics.report("migration-failed", { file: "the development migration", message: errorReason(error) }, wholeFile(result.folder.displayDir), {
      hint: "Nothing of it was applied (it ran in one transaction): the server keeps running on the schema it had. Change the spec back, or start the development database again with `fluvius dev --reset`.",
    });
    return fail("the development migration could not be applied.");
  }
  return { ok: true, applied, adopted, changes };
}
