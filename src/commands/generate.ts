import { Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { formatText } from "../diagnostics/format/text.js";
import { applyGeneration, planGeneration } from "../generate/generate.js";
import { nodeHost } from "../host/node-host.js";
import { describeChanges, unifiedDiff } from "../write/apply.js";
import { writingCounter } from "../cli/progress.js";

export default class Generate extends FluviusCommand {
  static override summary = "Generate typed TypeScript from the specs and merge new stubs into your handlers.";
  static override description = `Validates the specs first and writes nothing when they have errors. Into output.generated
(owned by fluvius): state, payload and event types, JSON Schemas, evolve, the command table and
policies. Into output.handlers (yours): one module per aggregate, created once; later runs only
append stubs for new actions and events, leaving your code byte for byte as it was.

Files whose content did not change are not rewritten. A generated file someone edited is not
overwritten without --force.`;

  static override examples = [
    { command: "<%= config.bin %> generate", description: "Generate, printing what changed." },
    { command: "<%= config.bin %> generate --check", description: "In CI: exit 1 with a diff when generated code is stale." },
    { command: "<%= config.bin %> generate --dry-run", description: "List what would change, write nothing." },
  ];

  static override flags = {
    check: Flags.boolean({ description: "Write nothing; exit 1 with a unified diff when any output is stale or missing." }),
    "dry-run": Flags.boolean({ description: "Write nothing; list the files that would change." }),
    force: Flags.boolean({ description: "Overwrite generated files that were edited by hand (and delete stale ones)." }),
    config: Flags.string({ char: "c", description: "Path of fluvius.yaml (default: the nearest one upwards)." }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Generate);
    const host = nodeHost();
    const plan = await planGeneration({
      host,
      force: flags.force,
      // Progress goes to the terminal only: it would be noise in a CI log or a pipe.
      ...(process.stderr.isTTY ? { progress: (message: string) => process.stderr.write(`${message}\n`) } : {}),
      ...(flags.config === undefined ? {} : { configPath: flags.config }),
    });
    const color = this.useColor();
    if (plan.diagnostics.length > 0) this.log(`${formatText(plan.diagnostics, { color, sources: plan.sources })}\n`);
    if (plan.diagnostics.some((d) => d.severity === "error")) {
      this.logToStderr("fluvius: nothing was generated; fix the errors above first.");
      this.exit(EXIT.problems);
    }
    if (flags.check) {
      if (plan.changes.length > 0) this.log(unifiedDiff(host.cwd, plan.changes));
      if (plan.migrationDrift.length > 0) {
        this.log(["The specs changed the database schema, and no migration captures it:", ...plan.migrationDrift.map((c) => `  - ${c}`)].join("\n"));
      }
      if (plan.changes.length === 0 && plan.migrationDrift.length === 0) {
        this.log("✔ generated code and migrations are up to date");
        return;
      }
      if (plan.changes.length > 0) {
        this.logToStderr(`fluvius: ${plan.changes.length} ${plan.changes.length === 1 ? "file is" : "files are"} out of date; run \`fluvius generate\`.`);
      }
      if (plan.migrationDrift.length > 0) this.logToStderr("fluvius: a migration is missing; run `fluvius migrate new <name>`.");
      this.exit(EXIT.problems);
    }
    if (flags["dry-run"]) {
      if (plan.changes.length === 0) this.log("Nothing would change.");
      else this.log(["Would change:", ...describeChanges(host.cwd, plan.changes)].join("\n"));
      return;
    }
    await applyGeneration(host, plan, process.stderr.isTTY ? writingCounter(plan.changes.length) : undefined);
    const driftNote = plan.migrationDrift.length > 0 ? "\nThe database schema changed too: run `fluvius migrate new <name>` to capture it." : "";
    if (plan.changes.length === 0) {
      this.log(`✔ everything is up to date${driftNote}`);
      return;
    }
    this.log(describeChanges(host.cwd, plan.changes).join("\n"));
    for (const { path, names } of plan.appended) this.log(`  stubs added to ${path.slice(host.cwd.length + 1)}: ${names.join(", ")}`);
    this.log(`✔ ${plan.changes.length} ${plan.changes.length === 1 ? "file" : "files"} written${driftNote}`);
  }
}
