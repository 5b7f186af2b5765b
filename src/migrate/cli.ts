import { Flags } from "@oclif/core";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { MigrationFile } from "./files.js";
import { formatText } from "../diagnostics/format/text.js";

/** What the three `fluvius migrate` commands share (kept out of src/commands: oclif loads every file there). */
export const configFlag = Flags.string({ char: "c", description: "Path of fluvius.yaml (default: the nearest one upwards)." });

export const databaseUrlFlag = Flags.string({
  description: "PostgreSQL URL (postgres://user@host:5432/db). Default: the variable named by database.urlEnv (DATABASE_URL); unset: the embedded database.",
});

export function diagnosticsText(diagnostics: readonly Diagnostic[], color: boolean, sources: ReadonlyMap<string, string> = new Map()): string {
  return `${formatText(diagnostics, { color, sources })}\n`;
}

export function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

/** Migration texts by display path, for code frames under a failed statement. */
export function migrationSources(files: readonly MigrationFile[]): Map<string, string> {
  return new Map(files.map((f) => [f.displayPath, f.sql]));
}
