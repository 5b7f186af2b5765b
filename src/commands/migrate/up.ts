import { EXIT, FluviusCommand } from "../../cli/base-command.js";
import { DiagnosticCollector } from "../../diagnostics/collector.js";
import { nodeHost } from "../../host/node-host.js";
import { loadConfig } from "../../load/config.js";
import { configFlag, databaseUrlFlag, diagnosticsText, migrationSources, plural } from "../../migrate/cli.js";
import { adoptDevChanges } from "../../migrate/dev.js";
import { readMigrationsFolder } from "../../migrate/files.js";
import { migrateUp } from "../../migrate/runner.js";
import { chooseTarget, openTarget } from "../../migrate/target.js";

export default class MigrateUp extends FluviusCommand {
  static override summary = "Apply the pending migrations to the database.";
  static override description = `Applies every migration of the migrations folder that the database has not applied yet, in number order, each in its own transaction, and records it with a checksum in public.fluvius_migrations. The database is --database-url, else the environment variable named by database.urlEnv in fluvius.yaml (default DATABASE_URL), else the embedded database at database.embeddedPath (default .fluvius/pgdata).

Two runs at once are safe: on PostgreSQL the second waits for the first (advisory lock) and then finds nothing to do; the embedded database is refused to a second process while one has it open. Refuses to run, naming the file, when an applied migration was edited or deleted since. Exit code: 0 up to date, 1 problems (a failed migration is rolled back; earlier ones stay applied), 2 usage error. See docs/migrations.md.`;

  static override examples = [
    { command: "<%= config.bin %> migrate up", description: "Apply to $DATABASE_URL, or to the embedded database when it is unset." },
    { command: "<%= config.bin %> migrate up --database-url postgres://app@db:5432/shop", description: "Apply to a given server." },
  ];

  static override flags = {
    "database-url": databaseUrlFlag,
    config: configFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(MigrateUp);
    const host = nodeHost();
    const color = this.useColor();
    const diagnostics = new DiagnosticCollector();
    const fail = (sources?: ReadonlyMap<string, string>): never => {
      this.log(diagnosticsText(diagnostics.sorted(), color, sources));
      this.logToStderr("fluvius: migrate up stopped; see above.");
      return this.exit(EXIT.problems);
    };
    const config = await loadConfig(host, diagnostics, flags.config === undefined ? {} : { explicitPath: flags.config });
    if (!config || diagnostics.hasErrors()) return fail();
    const folder = await readMigrationsFolder(host, config.output.migrations, diagnostics);
    if (diagnostics.hasErrors()) return fail();
    if (folder.migrations.length === 0) {
      this.log(`No migrations in ${folder.displayDir}: create the first one with \`fluvius migrate new init\`.`);
      return;
    }
    const choice = chooseTarget({ config, cwd: host.cwd, ...(flags["database-url"] === undefined ? {} : { url: flags["database-url"] }) }, diagnostics);
    if (!choice) return fail();
    const target = await openTarget(choice, { command: "fluvius migrate up", create: true }, diagnostics);
    if (target === undefined || target === "absent") return fail();
    this.log(`database: ${target.description}`);
    let result;
    try {
      // A development database (`fluvius dev`) that has this migration's schema already: recorded, not run.
      const adoption = await adoptDevChanges(host, target, folder);
      if (adoption.status === "mismatch") {
        this.logToStderr(`fluvius: ${adoption.problem}`);
        return this.exit(EXIT.problems);
      }
      if (adoption.status === "adopted")
        this.log(`adopted ${adoption.names.join(", ")}: the development migrations of \`fluvius dev\` made its schema already`);
      result = await migrateUp(target, folder.migrations, folder.displayDir, {
        onProgress: (p) => {
          if (p.kind === "waiting") this.log(`waiting: ${p.holder} is migrating this database…`);
          else if (p.kind === "applying") process.stdout.write(`applying ${p.file.name} … `);
          else if (p.kind === "applied") process.stdout.write(`ok (${p.ms} ms)\n`);
          else process.stdout.write("failed\n");
        },
      });
    } finally {
      await target.close();
    }
    diagnostics.add(result.diagnostics);
    // Code frames only under a failed statement (an edited file has no meaningful line to show).
    const failed = new Set(result.diagnostics.filter((d) => d.code === "migration-failed").map((d) => d.range.file));
    if (diagnostics.hasErrors()) return fail(migrationSources(folder.migrations.filter((m) => failed.has(m.displayPath))));
    if (result.applied.length === 0) this.log(`✔ up to date: ${plural(result.alreadyApplied, "migration")} applied, none pending`);
    else this.log(`✔ applied ${plural(result.applied.length, "migration")}${result.alreadyApplied > 0 ? ` (${result.alreadyApplied} applied before)` : ""}`);
  }
}
