/**
 * SQL migrations from the spec: `fluvius migrate new` diffs the spec against the snapshot of
 * the last migration and writes the next one; `up` applies pending ones under a lock,
 * recording checksums; `status` compares the folder with a database. docs/migrations.md.
 */
export { compareWithMigrations, migrationDrift, planMigration, writeMigration } from "./plan.js";
export type { Comparison, MigrationDrift, MigrationPlan, NewMigrationOptions, PlanOptions, PlannedFile } from "./plan.js";
export { diffSchemas, typeConversion, type Change } from "./diff.js";
export { desiredSchema, parseSnapshot, serialiseSnapshot, SNAPSHOT_FORMAT } from "./snapshot.js";
export type { DesiredSchema, NameProblem, RenameHint, SchemaSnapshot, SiteRef, SnapshotSchema } from "./snapshot.js";
export { renderMigration, slugify } from "./render.js";
export { checksumOf, migrationFileName, readMigrationsFolder, snapshotPath, MIGRATION_FILE } from "./files.js";
export type { MigrationFile, MigrationsFolder } from "./files.js";
export { migrateUp, migrationStatus, readApplied, reconcile, MIGRATIONS_TABLE_SQL } from "./runner.js";
export type { AppliedRecord, EntryState, Progress, Reconciliation, StatusEntry, UpOptions, UpResult } from "./runner.js";
export { chooseTarget, openTarget, postgresTarget, pgliteTarget, describeUrl, ADVISORY_LOCK_KEY } from "./target.js";
export type { MigrationTarget, TargetChoice, TargetOptions } from "./target.js";
export { lockEmbeddedDatabase, lockPathOf, describeHolder, type LockHolder, type LockResult } from "@fluvius/runtime/internal/runtime/db/embedded-lock";
export { splitStatements } from "./split.js";
