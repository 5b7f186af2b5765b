import { Args, Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import { nodeHost } from "../host/node-host.js";
import { loadConfig } from "../load/config.js";
import { configFlag, databaseUrlFlag, diagnosticsText } from "../migrate/cli.js";
import { openProjectDatabase } from "../project/database.js";
import { loadProjectCode, ProjectCodeError } from "../project/load-code.js";
import type { AnyAggregateDefinition } from "@fluvius/runtime/internal/runtime/definition";
import { FluviusError } from "@fluvius/runtime/internal/runtime/errors";
import { replay } from "@fluvius/runtime/internal/runtime/replay";
import { viewsOf } from "@fluvius/runtime/internal/runtime/domain";
import type { ViewDefinition } from "@fluvius/runtime/internal/runtime/views/definition";
import { replayViews } from "@fluvius/runtime/internal/runtime/views/replay";

export default class Replay extends FluviusCommand {
  static override summary = "Rebuild read-model tables and views from the event log.";
  static override description = `Reads every stream of the aggregate (or of all aggregates) from the event log and writes its row again with the current evolve code and upcasters: after a bug fix in an evolve step, or a new column. Views are rebuilt too: their rows from their source events in commit order, as the commands wrote them (a new view starts filled, not empty). Each table is rebuilt in one transaction (all or nothing); commands that write it wait until it is done. The event log itself is never changed.`;

  static override examples = [
    { command: "<%= config.bin %> replay", description: "Rebuild every aggregate's table." },
    { command: "<%= config.bin %> replay banking.account --tenant acme", description: "One aggregate, one tenant." },
    { command: "<%= config.bin %> replay sales.daily-revenue", description: "One view." },
  ];

  static override args = {
    aggregate: Args.string({ description: "An aggregate or a view, as `domain.name` or just its name (default: all of them).", required: false }),
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
    let views: ViewDefinition[];
    try {
      const { domains } = await loadProjectCode(config);
      definitions = domains.flatMap((d) => d.aggregates.map((a) => a.definition));
      views = viewsOf(domains);
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
      const name = args.aggregate;
      const chosenViews = views.filter((v) => name === undefined || name === v.name || name === `${v.domain}.${v.name}`);
      const tenant = flags.tenant === undefined ? {} : { tenant: flags.tenant };
      const reports =
        name !== undefined && chosenViews.length > 0
          ? []
          : await replay(database.store, definitions, { ...(name === undefined ? {} : { aggregate: name }), ...tenant });
      for (const r of reports) this.log(`  ${r.streamType.padEnd(32)} ${r.streams} streams, ${r.events} events → ${r.table}`);
      const viewReports = await replayViews(database.store.database, chosenViews, definitions, tenant);
      for (const r of viewReports) this.log(`  ${r.view.padEnd(32)} ${r.events} events → ${r.table} (view)`);
      const tables = reports.length + viewReports.length;
      this.log(`✔ rebuilt ${tables} ${tables === 1 ? "table" : "tables"} in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      if (error instanceof FluviusError) return stop(error.message);
      throw error;
    } finally {
      await database.close();
    }
  }
}
