import { Args, Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../../cli/base-command.js";
import { compile } from "../../compile.js";
import { nodeHost } from "../../host/node-host.js";
import { configFlag, diagnosticsText, plural } from "../../migrate/cli.js";
import { planMigration, writeMigration } from "../../migrate/plan.js";
import { slugify } from "../../migrate/render.js";
import { lower } from "../../model/lower.js";

export default class MigrateNew extends FluviusCommand {
  static override summary = "Write the next SQL migration: what changed in the spec since the last one.";
  static override description = `Compares the specs with the schema snapshot saved with the last migration (never with a database) and writes the next numbered migration, migrations/NNNN_<name>.sql, plus its snapshot migrations/meta/NNNN_snapshot.json. The first migration also creates the event store's system tables. It never edits an existing migration; with no change it says so and writes nothing.

Creating tables, adding columns (with their default), adding enum values, renaming a field (\`renamedFrom: <old>\` in the spec) and widening a type are written as is. Dropping a table or a column, removing an enum value and narrowing a type are destructive: refused, with what would be lost, unless --allow-destructive. The specs must be valid. Exit code: 0 written or nothing to do, 1 problems (nothing written), 2 usage error. See docs/migrations.md.`;

  static override examples = [
    { command: "<%= config.bin %> migrate new init", description: "The first migration: system tables and one table per aggregate." },
    { command: "<%= config.bin %> migrate new add-tags", description: "After a spec change: writes e.g. migrations/0002_add_tags.sql." },
    { command: "<%= config.bin %> migrate new drop-legacy --allow-destructive", description: "Accept drops and narrowing (review the file!)." },
    { command: "<%= config.bin %> migrate new preview --dry-run", description: "Print the SQL, write nothing." },
  ];

  static override args = {
    name: Args.string({ description: "What the migration does, e.g. add-tags (the file becomes NNNN_add_tags.sql).", required: true }),
  };

  static override flags = {
    "allow-destructive": Flags.boolean({ description: "Write drops, removed enum values and narrowing type changes instead of refusing them." }),
    "dry-run": Flags.boolean({ description: "Print the migration that would be written; write nothing." }),
    config: configFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(MigrateNew);
    const slug = slugify(args.name);
    if (slug === "") {
      this.logToStderr(`fluvius: '${args.name}' has no letters or digits to name a migration with, e.g. \`fluvius migrate new add-tags\`.`);
      this.exit(EXIT.usage);
    }
    const host = nodeHost();
    const color = this.useColor();
    const compiled = await compile({ host, ...(flags.config === undefined ? {} : { configPath: flags.config }) });
    const errors = compiled.diagnostics.filter((d) => d.severity === "error");
    if (!compiled.config || !compiled.domains || errors.length > 0) {
      this.log(diagnosticsText(errors, color, compiled.sources));
      this.logToStderr("fluvius: no migration written; the specs have errors (see above, or run `fluvius validate`).");
      this.exit(EXIT.problems);
    }
    const plan = await planMigration({
      host,
      config: compiled.config,
      model: lower(compiled.domains),
      slug,
      allowDestructive: flags["allow-destructive"],
    });
    switch (plan.status) {
      case "invalid":
        this.log(diagnosticsText(plan.diagnostics, color, compiled.sources));
        this.logToStderr("fluvius: no migration written; fix the problems above first.");
        this.exit(EXIT.problems);
        break;
      case "unchanged":
        this.log(`No changes: the database schema of the spec is the one of the last migration${plan.base ? ` (${plan.base})` : ""}. Nothing written.`);
        return;
      case "refused": {
        this.log(diagnosticsText(plan.diagnostics, color, compiled.sources));
        const refused = plan.changes.filter((c) => c.loss !== undefined).length;
        this.logToStderr(`fluvius: no migration written; ${plural(refused, "destructive change")} refused (use --allow-destructive if the loss is intended).`);
        this.exit(EXIT.problems);
        break;
      }
      case "ready": {
        const lines = plan.changes.map(
          (c) => `  ${c.loss === undefined ? "+" : "!"} ${c.summary}${c.loss === undefined ? "" : ` (destructive: loses ${c.loss})`}`,
        );
        if (flags["dry-run"]) {
          this.log(plan.migration.content);
          this.log(`(dry run: ${plan.migration.displayPath} and ${plan.snapshot.displayPath} not written)`);
          return;
        }
        await writeMigration(host, plan);
        this.log(lines.join("\n"));
        this.log(
          `wrote ${plan.migration.displayPath} (${plural(
            plan.changes.reduce((n, c) => n + c.statements.length, 0),
            "statement",
          )})`,
        );
        this.log(`wrote ${plan.snapshot.displayPath}`);
        this.log("Review it, then apply it with `fluvius migrate up`.");
      }
    }
  }
}
