import { Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../../cli/base-command.js";
import { formatJson } from "../../diagnostics/format/json.js";
import { DiagnosticCollector } from "../../diagnostics/collector.js";
import { nodeHost } from "../../host/node-host.js";
import { loadConfig } from "../../load/config.js";
import { configFlag, databaseUrlFlag, diagnosticsText, plural } from "../../migrate/cli.js";
import { readDevState } from "../../migrate/dev.js";
import { readMigrationsFolder } from "../../migrate/files.js";
import { type EntryState, migrationStatus } from "../../migrate/runner.js";
import { chooseTarget, openTarget } from "../../migrate/target.js";

const LABEL: Record<EntryState, string> = {
  applied: "applied ",
  pending: "pending ",
  edited: "EDITED  ",
  missing: "MISSING ",
  "out-of-order": "ORDER?  ",
};

export default class MigrateStatus extends FluviusCommand {
  static override summary = "List the applied and pending migrations of the database.";
  static override description = `Compares the migrations folder with what the database recorded (public.fluvius_migrations) and lists each migration: applied (when, how long), pending, EDITED (applied, changed since), MISSING (applied, no file) or ORDER? (pending but numbered before an applied one). Changes nothing. The database is chosen as for \`fluvius migrate up\`. Exit code: 0 consistent (pending migrations are fine), 1 problems, 2 usage error.`;

  static override examples = [
    { command: "<%= config.bin %> migrate status", description: "Status of $DATABASE_URL, or of the embedded database." },
    { command: "<%= config.bin %> migrate status --database-url postgres://app@db:5432/shop", description: "Status of a given server." },
    { command: "<%= config.bin %> migrate status --json", description: "One JSON document: { database, migrations, developmentMigrations, diagnostics }." },
  ];

  static override flags = {
    "database-url": databaseUrlFlag,
    config: configFlag,
    json: Flags.boolean({ description: "Print one JSON document: { database, migrations: [{ id, name, state, appliedAt, durationMs }], diagnostics }." }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(MigrateStatus);
    const host = nodeHost();
    const color = this.useColor();
    const diagnostics = new DiagnosticCollector();
    const fail = (): never => {
      this.log(diagnosticsText(diagnostics.sorted(), color));
      return this.exit(EXIT.problems);
    };
    const config = await loadConfig(host, diagnostics, flags.config === undefined ? {} : { explicitPath: flags.config });
    if (!config || diagnostics.hasErrors()) return fail();
    const folder = await readMigrationsFolder(host, config.output.migrations, diagnostics);
    if (diagnostics.hasErrors()) return fail();
    const choice = chooseTarget({ config, cwd: host.cwd, ...(flags["database-url"] === undefined ? {} : { url: flags["database-url"] }) }, diagnostics);
    if (!choice) return fail();
    const target = await openTarget(choice, { command: "fluvius migrate status", create: false }, diagnostics);
    if (target === undefined) return fail();
    const database =
      target === "absent" ? `embedded ${choice.kind === "pglite" ? choice.display : ""} (not created yet: every migration is pending)` : target.description;
    if (!flags.json) this.log(`database: ${database}`);
    let report;
    let dev = 0;
    try {
      report = await migrationStatus(target === "absent" ? undefined : target, folder.migrations, folder.displayDir);
      if (target !== "absent") dev = (await readDevState(target)).count;
    } finally {
      if (target !== "absent") await target.close();
    }
    if (flags.json) {
      const migrations = report.entries.map((e) => ({
        id: e.id,
        name: e.name,
        state: e.state,
        ...(e.record ? { appliedAt: e.record.appliedAt, durationMs: e.record.durationMs } : {}),
      }));
      this.log(
        JSON.stringify(
          {
            database,
            migrations,
            developmentMigrations: dev,
            diagnostics: (JSON.parse(formatJson(report.diagnostics)) as { diagnostics: unknown[] }).diagnostics,
          },
          null,
          2,
        ),
      );
      if (report.diagnostics.length > 0) this.exit(EXIT.problems);
      return;
    }
    if (report.entries.length === 0) this.log(`No migrations in ${folder.displayDir}.`);
    const width = Math.max(0, ...report.entries.map((e) => e.name.length));
    for (const e of report.entries) {
      const when = e.record ? `  ${e.record.appliedAt} (${e.record.durationMs} ms)` : "";
      this.log(`  ${LABEL[e.state]} ${e.name.padEnd(width)}${when}`.trimEnd());
    }
    const count = (s: EntryState) => report.entries.filter((e) => e.state === s).length;
    if (report.entries.length > 0)
      this.log(`${plural(count("applied") + count("edited"), "applied", "applied")}, ${plural(count("pending"), "pending", "pending")}.`);
    if (dev > 0)
      this.log(`${plural(dev, "development migration")} of \`fluvius dev\` applied on top, in no file yet: \`fluvius migrate new <name>\` writes them as one.`);
    if (report.diagnostics.length > 0) {
      diagnostics.add(report.diagnostics);
      this.log("");
      return fail();
    }
  }
}
