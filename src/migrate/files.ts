import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { wholeFile } from "../diagnostics/diagnostic.js";
import type { Host } from "../host/host.js";
import { displayPath, joinPath } from "../host/paths.js";
import { findTransactionControl } from "./split.js";

import { MIGRATION_FILE, migrationChecksum } from "@fluvius/runtime/internal/runtime/store/migrations-table";

export { MIGRATION_FILE };
/** `meta/0002_snapshot.json`: the schema after migration 0002. */
const SNAPSHOT_FILE = /^meta\/(\d{4,})_snapshot\.json$/;

export interface MigrationFile {
  /** The number: the order migrations are applied in. */
  readonly id: number;
  /** The file name, e.g. `0002_add_tags.sql`. */
  readonly name: string;
  readonly path: string;
  readonly displayPath: string;
  readonly sql: string;
  /** sha256 of the text with LF line endings (a checkout with CRLF does not count as an edit). */
  readonly checksum: string;
}

export interface MigrationsFolder {
  readonly dir: string;
  readonly displayDir: string;
  /** Sorted by number. */
  readonly migrations: readonly MigrationFile[];
  /** Snapshot paths by migration number. */
  readonly snapshots: ReadonlyMap<number, string>;
}

export function checksumOf(sql: string): string {
  return migrationChecksum(sql);
}

export function migrationFileName(id: number, slug: string): string {
  return `${String(id).padStart(4, "0")}_${slug}.sql`;
}

export function snapshotPath(dir: string, id: number): string {
  return joinPath(dir, "meta", `${String(id).padStart(4, "0")}_snapshot.json`);
}

/**
 * Reads the migrations folder (a missing folder is an empty one). Reports .sql files that
 * are not named like a migration, two migrations with the same number, and transaction
 * control statements in a file (before anything is applied).
 */
export async function readMigrationsFolder(host: Host, dir: string, diagnostics: DiagnosticCollector): Promise<MigrationsFolder> {
  const displayDir = displayPath(host.cwd, dir);
  const stat = await host.stat(dir);
  if (stat?.kind !== "directory") return { dir, displayDir, migrations: [], snapshots: new Map() };
  const migrations: MigrationFile[] = [];
  const snapshots = new Map<number, string>();
  const byNumber = new Map<number, MigrationFile>();
  for (const path of await host.glob(dir, ["*.sql", "meta/*.json"])) {
    const relative = path.slice(dir.length + 1);
    const shown = displayPath(host.cwd, path);
    const snapshot = SNAPSHOT_FILE.exec(relative);
    if (snapshot) {
      snapshots.set(Number(snapshot[1]), path);
      continue;
    }
    if (relative.startsWith("meta/")) continue;
    const match = MIGRATION_FILE.exec(relative);
    if (!match) {
      diagnostics.report("invalid-migration-file-name", { file: relative }, wholeFile(shown));
      continue;
    }
    let sql: string;
    try {
      sql = new TextDecoder("utf-8", { fatal: true }).decode(await host.readFile(path));
    } catch (error) {
      diagnostics.report("migration-unreadable", { reason: error instanceof Error ? error.message : String(error) }, wholeFile(shown));
      continue;
    }
    const file: MigrationFile = { id: Number(match[1]), name: relative, path, displayPath: shown, sql, checksum: checksumOf(sql) };
    const first = byNumber.get(file.id);
    if (first) {
      diagnostics.report("duplicate-migration-number", { number: String(file.id).padStart(4, "0"), first: first.name, second: file.name }, wholeFile(shown), {
        related: [{ ...wholeFile(first.displayPath), message: `${first.name} has the same number` }],
      });
      continue;
    }
    byNumber.set(file.id, file);
    migrations.push(file);
    for (const found of findTransactionControl(sql)) {
      const at = { line: found.line, column: found.column };
      diagnostics.report("migration-transaction-control", { file: relative, keyword: found.keyword }, { file: shown, start: at, end: at });
    }
  }
  migrations.sort((a, b) => a.id - b.id);
  return { dir, displayDir, migrations, snapshots };
}
