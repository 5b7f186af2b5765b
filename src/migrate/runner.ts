import { DiagnosticCollector } from "../diagnostics/collector.js";
import { type Diagnostic, wholeFile } from "../diagnostics/diagnostic.js";
import { UNIQUE_DUPLICATES_SQLSTATE } from "../emit/sql/index.js";
import type { Sql } from "@fluvius/runtime/internal/runtime/db/database";
import type { MigrationFile } from "./files.js";
import { offsetOfCharacter, positionAt, splitStatements } from "./split.js";
import type { MigrationTarget } from "./target.js";
import { MIGRATIONS_TABLE_SQL, RECORD_MIGRATION_SQL } from "@fluvius/runtime/internal/runtime/store/migrations-table";
import { errorReason } from "./target.js";

export { MIGRATIONS_TABLE_SQL };

export interface AppliedRecord {
  readonly id: number;
  readonly name: string;
  readonly checksum: string;
  /** ISO 8601, UTC. */
  readonly appliedAt: string;
  readonly durationMs: number;
}

/** What the database says was applied (nothing, when it has no bookkeeping table yet). */
export async function readApplied(sql: Sql): Promise<AppliedRecord[]> {
  const [table] = await sql.query<{ present: boolean }>("SELECT to_regclass('public.fluvius_migrations') IS NOT NULL AS present");
  if (!table?.present) return [];
  const rows = await sql.query<{ id: number; name: string; checksum: string; applied_at: string; duration_ms: number }>(
    `SELECT id, name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS applied_at, duration_ms
       FROM public.fluvius_migrations ORDER BY id`,
  );
  return rows.map((r) => ({ id: Number(r.id), name: r.name, checksum: r.checksum, appliedAt: r.applied_at, durationMs: Number(r.duration_ms) }));
}

export type EntryState = "applied" | "pending" | "edited" | "missing" | "out-of-order";

export interface StatusEntry {
  readonly id: number;
  readonly name: string;
  readonly state: EntryState;
  readonly file?: MigrationFile;
  readonly record?: AppliedRecord;
}

export interface Reconciliation {
  /** Every migration, applied or not, by number. */
  readonly entries: readonly StatusEntry[];
  /** Files to apply, in order (empty when there are errors). */
  readonly pending: readonly MigrationFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Compares the folder with the database's records: an applied migration that was edited,
 * one that has no file, a pending one numbered before the last applied are errors, and
 * then nothing may be applied.
 */
export function reconcile(files: readonly MigrationFile[], records: readonly AppliedRecord[], displayDir: string): Reconciliation {
  const diagnostics = new DiagnosticCollector();
  const byId = new Map(files.map((f) => [f.id, f]));
  const recordById = new Map(records.map((r) => [r.id, r]));
  const entries: StatusEntry[] = [];
  for (const record of records) {
    const file = byId.get(record.id);
    if (!file || file.name !== record.name) {
      diagnostics.report(
        "applied-migration-missing",
        { name: record.name, detail: file ? ` (${file.name} has its number now)` : "" },
        wholeFile(file?.displayPath ?? displayDir),
      );
      entries.push({ id: record.id, name: record.name, state: "missing", record });
      if (file) entries.push({ id: file.id, name: file.name, state: "pending", file });
    } else if (file.checksum !== record.checksum) {
      diagnostics.report("applied-migration-edited", { file: file.displayPath, appliedAt: `on ${record.appliedAt}` }, wholeFile(file.displayPath));
      entries.push({ id: file.id, name: file.name, state: "edited", file, record });
    } else {
      entries.push({ id: file.id, name: file.name, state: "applied", file, record });
    }
  }
  const lastApplied = records.reduce<AppliedRecord | undefined>((max, r) => (max === undefined || r.id > max.id ? r : max), undefined);
  const pending: MigrationFile[] = [];
  for (const file of files) {
    if (recordById.has(file.id)) continue;
    if (lastApplied && file.id < lastApplied.id) {
      diagnostics.report("migration-out-of-order", { file: file.name, last: lastApplied.name }, wholeFile(file.displayPath));
      entries.push({ id: file.id, name: file.name, state: "out-of-order", file });
    } else {
      entries.push({ id: file.id, name: file.name, state: "pending", file });
      pending.push(file);
    }
  }
  entries.sort((a, b) => a.id - b.id || (a.state === "missing" ? -1 : 1));
  return { entries, pending: diagnostics.hasErrors() ? [] : pending, diagnostics: diagnostics.sorted() };
}

export type Progress =
  | { readonly kind: "waiting"; readonly holder: string }
  | { readonly kind: "applying"; readonly file: MigrationFile }
  | { readonly kind: "applied"; readonly file: MigrationFile; readonly ms: number }
  | { readonly kind: "failed"; readonly file: MigrationFile };

export interface UpOptions {
  readonly onProgress?: (progress: Progress) => void;
  /** Only for tests that prove the lock matters. */
  readonly skipLock?: boolean;
}

export interface UpResult {
  /** Applied by this run, in order. */
  readonly applied: readonly MigrationFile[];
  /** Already applied before this run. */
  readonly alreadyApplied: number;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Applies the pending migrations in order, each in its own transaction together with its
 * bookkeeping row, under the target's lock: a second `migrate up` waits, then finds them
 * applied. Stops at the first failure (that migration is rolled back, earlier ones stay).
 */
export async function migrateUp(target: MigrationTarget, files: readonly MigrationFile[], displayDir: string, options: UpOptions = {}): Promise<UpResult> {
  const { onProgress } = options;
  const release = options.skipLock ? async () => undefined : await target.lock((holder) => onProgress?.({ kind: "waiting", holder }));
  try {
    await target.db.exec(MIGRATIONS_TABLE_SQL);
    const records = await readApplied(target.db);
    const reconciliation = reconcile(files, records, displayDir);
    const diagnostics = new DiagnosticCollector();
    diagnostics.add(reconciliation.diagnostics);
    const applied: MigrationFile[] = [];
    for (const file of reconciliation.pending) {
      onProgress?.({ kind: "applying", file });
      const started = performance.now();
      try {
        await target.db.transaction(async (sql) => {
          await sql.exec(file.sql);
          const ms = Math.round(performance.now() - started);
          await sql.query(RECORD_MIGRATION_SQL, [file.id, file.name, file.checksum, ms]);
        });
      } catch (error) {
        onProgress?.({ kind: "failed", file });
        await reportFailure(target, file, error, diagnostics);
        break;
      }
      applied.push(file);
      onProgress?.({ kind: "applied", file, ms: Math.round(performance.now() - started) });
    }
    return { applied, alreadyApplied: records.length, diagnostics: diagnostics.sorted() };
  } finally {
    await release();
  }
}

/** Status without changing anything (no lock, no bookkeeping table created). */
export async function migrationStatus(target: MigrationTarget | undefined, files: readonly MigrationFile[], displayDir: string): Promise<Reconciliation> {
  const records = target ? await readApplied(target.db) : [];
  return reconcile(files, records, displayDir);
}

interface DriverError {
  readonly code?: string;
  readonly position?: string | number;
  readonly detail?: string;
  readonly hint?: string;
}

/**
 * A failed migration as a diagnostic at the statement PostgreSQL refused. The server gives a
 * position only for syntax errors; otherwise the statements are replayed one by one in a
 * transaction that is rolled back, to find the one that fails.
 */
async function reportFailure(target: MigrationTarget, file: MigrationFile, error: unknown, diagnostics: DiagnosticCollector): Promise<void> {
  const e = (typeof error === "object" && error !== null ? error : {}) as DriverError;
  const position = e.position === undefined ? Number.NaN : Number(e.position) - 1;
  const offset = Number.isNaN(position) ? await locateFailingStatement(target, file.sql) : offsetOfCharacter(file.sql, position);
  const at = positionAt(file.sql, offset ?? 0);
  const range = { file: file.displayPath, start: at, end: at };
  if (e.code === UNIQUE_DUPLICATES_SQLSTATE) {
    diagnostics.report("unique-over-duplicates", { file: file.name, message: errorReason(error), duplicates: e.detail ?? "" }, range);
    return;
  }
  const message = [errorReason(error), e.detail].filter((s) => s !== undefined && s !== "").join(" — ");
  const hint =
    e.code === "42P06" && /CREATE SCHEMA fluvius\b/i.test(file.sql.slice(offset ?? 0, (offset ?? 0) + 40))
      ? "The event store's schema already exists but this database records no migration creating it: it was made outside the migrations (by the runtime's ensureSchema, say). Migrate a new database, or drop schema fluvius if it holds nothing yet."
      : e.hint
        ? `PostgreSQL: ${e.hint}`
        : undefined;
  diagnostics.report("migration-failed", { file: file.name, message }, range, hint === undefined ? {} : { hint });
}

class Rollback extends Error {}

async function locateFailingStatement(target: MigrationTarget, sql: string): Promise<number | undefined> {
  let found: number | undefined;
  try {
    await target.db.transaction(async (tx) => {
      for (const statement of splitStatements(sql)) {
        try {
          await tx.exec(statement.text);
        } catch (error) {
          const position = Number((error as DriverError).position);
          found = statement.offset + (Number.isNaN(position) ? 0 : offsetOfCharacter(statement.text, position - 1));
          break;
        }
      }
      throw new Rollback();
    });
  } catch {
    // always rolled back
  }
  return found;
}
