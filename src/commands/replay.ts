import { Args, Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import { nodeHost } from "../host/node-host.js";
import { loadConfig } from "../load/config.js";
import { configFlag, databaseUrlFlag, diagnosticsText } from "../migrate/cli.js";
import { openProjectDatabase } from "../project/database.js";
import { loadProjectCode, ProjectCodeError } from "../project/load-code.js";
import type { AnyAggregateDefinition } from "../runtime/definition.js";
import { FluviusError } from "../runtime/errors.js";
import { replay } from "../runtime/replay.js";

export default class Replay extends FluviusCommand {
  static override summary = "Rebuild read-model tables from the event log.";
  static override description = `Reads every stream of the aggregate (or of all aggregates) from the event log and writes its
row again with the current evolve code and upcasters: after a bug fix in an evolve step, or a
new column. Each aggregate's table is rebuilt in one transaction (all or nothing). The event
log itself is never changed.`;

  static override examples = [
    { command: "<%= config.bin %> replay", description: "Rebuild every aggregate's table." },
    { command: "<%= config.bin %> replay banking.account --tenant acme", description: "One aggregate, one tenant." },
  ];

  static override args = {
    aggregate: Args.string({ description: "An aggregate, as `domain.aggregate` or just its name (default: all).", required: false }),
  };

  static override flags = {
    tenant: Flags.string({ description: "Only this tenant's streams." }),
    "database-url": databaseUrlFlag,
    config: configFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Replay);
    const host = nodeHost();
    const diagnostics = new DiagnosticCollector();
    const stop = (message: string): never => {
      if (diagnostics.sorted().length > 0) this.log(diagnosticsText(diagnostics.sorted(), this.useColor()));
      this.logToStderr(`fluvius: ${message}`);
      return this.exit(EXIT.problems);
    };
    const config = await loadConfig(host, diagnostics, flags.config === undefined ? {} : { explicitPath: flags.config });
    if (!config || diagnostics.hasErrors()) return stop("fluvius.yaml has errors.");
    let definitions: AnyAggregateDefinition[];
    try {
      definitions = (await loadProjectCode(config)).domains.flatMap((d) => d.aggregates.map((a) => a.definition));
    } catch (error) {
      if (error instanceof ProjectCodeError) return stop(error.message);
      throw error;
    }
    const database = await openProjectDatabase(
      config,
      { cwd: host.cwd, command: "fluvius replay", poolSize: 2, ...(flags["database-url"] === undefined ? {} : { url: flags["database-url"] }) },
      diagnostics,
    );
    if (!database) return stop("cannot open the database.");
    try {
      const started = performance.now();
      const reports = await replay(database.store, definitions, {
        ...(args.aggregate === undefined ? {} : { aggregate: args.aggregate }),
        ...(flags.tenant === undefined ? {} : { tenant: flags.tenant }),
      });
      for (const r of reports) this.log(`  ${r.streamType.padEnd(32)} ${r.streams} streams, ${r.events} events → ${r.table}`);
      this.log(`✔ rebuilt ${reports.length} ${reports.length === 1 ? "table" : "tables"} in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      if (error instanceof FluviusError) return stop(error.message);
      throw error;
    } finally {
      await database.close();
    }
  }
}
