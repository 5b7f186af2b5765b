import { EXIT, FluviusCommand } from "./base-command.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import { formatText } from "../diagnostics/format/text.js";
import { planGeneration } from "../generate/generate.js";
import { nodeHost } from "../host/node-host.js";
import { loadConfig } from "../load/config.js";
import { diagnosticsText } from "../migrate/cli.js";
import { adoptDevChanges } from "../migrate/dev.js";
import { readMigrationsFolder } from "../migrate/files.js";
import { migrateUp, migrationStatus } from "../migrate/runner.js";
import { openProjectDatabase } from "../project/database.js";
import { stopSignal } from "@fluvius/runtime/internal/service/stop-signal";
import { startProjectHttp } from "../project/http.js";
import { readPackageIdentity, ServiceStartError } from "@fluvius/runtime/internal/service/http";
import { loadProjectCode, ProjectCodeError } from "../project/load-code.js";
import { startServiceWorkers } from "@fluvius/runtime/internal/service/workers";
import { IntegrationConfigError, IntegrationUnavailableError } from "@fluvius/runtime/internal/runtime/errors";

/** A command that runs the project (serve, worker): config, specs, migrations, database, code; then HTTP and/or the workers. */
export abstract class ServiceCommand extends FluviusCommand {
  /** What `serve` and `worker` share: config, specs, migrations, the database and the project's code; then HTTP and/or the workers. */
  protected async start(flags: ServiceFlags, mode: { readonly http: boolean; readonly workers: boolean }): Promise<void> {
    // From the start: a signal while starting up stops the service once it is up, cleanly.
    const stopped = stopSignal();
    const host = nodeHost();
    const color = this.useColor();
    const diagnostics = new DiagnosticCollector();
    const stop = (message: string): never => {
      if (diagnostics.sorted().length > 0) this.log(diagnosticsText(diagnostics.sorted(), color));
      this.logToStderr(`fluvius: ${message}`);
      return this.exit(EXIT.problems);
    };

    const config = await loadConfig(host, diagnostics, flags.config === undefined ? {} : { explicitPath: flags.config });
    if (!config || diagnostics.hasErrors()) return stop("fluvius.yaml has errors.");
    const generation = await planGeneration({ host, ...(flags.config === undefined ? {} : { configPath: flags.config }) });
    if (generation.diagnostics.some((d) => d.severity === "error")) {
      this.log(formatText(generation.diagnostics, { color, sources: generation.sources }));
      return stop("the specs have errors; fix them, then run `fluvius generate`.");
    }
    if (generation.changes.length > 0) this.warn("The generated code is out of date with the specs; run `fluvius generate`. Serving what is there.");

    const folder = await readMigrationsFolder(host, config.output.migrations, diagnostics);
    if (diagnostics.hasErrors()) return stop("the migrations folder has errors.");
    const opened = await openProjectDatabase(
      config,
      {
        cwd: host.cwd,
        command: mode.http ? "fluvius serve" : "fluvius worker",
        ...(flags["database-url"] === undefined ? {} : { url: flags["database-url"] }),
      },
      diagnostics,
    );
    if (!opened) return stop("cannot open the database.");
    const { target, store } = opened;

    const closers: (() => Promise<unknown>)[] = [() => opened.close()];
    const shutdown = async () => {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    };
    try {
      if (flags.migrate) {
        const adoption = await adoptDevChanges(host, target, folder);
        if (adoption.status === "mismatch") throw new StopError(adoption.problem);
        if (adoption.status === "adopted")
          this.log(`adopted ${adoption.names.join(", ")}: the development migrations of \`fluvius dev\` made its schema already`);
        const result = await migrateUp(target, folder.migrations, folder.displayDir, {
          onProgress: (p) => {
            if (p.kind === "applying") process.stdout.write(`applying ${p.file.name} … `);
            else if (p.kind === "applied") process.stdout.write(`ok (${p.ms} ms)\n`);
            else if (p.kind === "failed") process.stdout.write("failed\n");
          },
        });
        diagnostics.add(result.diagnostics);
        if (diagnostics.hasErrors()) throw new StopError("a migration failed.");
      } else {
        const status = await migrationStatus(target, folder.migrations, folder.displayDir);
        diagnostics.add(status.diagnostics);
        if (diagnostics.hasErrors()) throw new StopError("the database and the migrations folder disagree.");
        if (folder.migrations.length === 0) throw new StopError("there are no migrations yet: run `fluvius migrate new init`, then `fluvius serve --migrate`.");
        if (status.pending.length > 0)
          throw new StopError(`${status.pending.length} migration(s) are not applied: run \`fluvius migrate up\` or \`fluvius serve --migrate\`.`);
      }

      const code = await loadProjectCode(config);
      const project = readPackageIdentity(config.root);
      this.log(`database: ${target.description}`);
      if (mode.workers) {
        const workers = await startServiceWorkers({ config, store, domains: code.domains, projectName: project.name, log: (line) => this.logToStderr(line) });
        if (workers.problem !== undefined) throw new StopError(workers.problem);
        if (!mode.http && workers.count === 0) throw new StopError("the specs declare no reactions: a worker has nothing to do.");
        closers.push(() => workers.stop());
        this.log(workers.summary);
      }
      if (mode.http) {
        const started = await startProjectHttp({
          host,
          config,
          store,
          code,
          project,
          ...(flags.config === undefined ? {} : { configPath: flags.config }),
          log: flags.log ?? false,
          port: flags.port ?? 3000,
          listenHost: flags.host ?? "127.0.0.1",
        });
        closers.push(() => started.app.close());
        for (const line of started.banner) this.log(line);
      }
      await stopped;
      this.log("stopping…");
    } catch (error) {
      await shutdown();
      if (error instanceof StopError) return stop(error.message);
      if (error instanceof ProjectCodeError || error instanceof ServiceStartError) return stop(error.message);
      // fluvius.yaml's integrations: a variable not set, a broker not reachable.
      if (error instanceof IntegrationConfigError || error instanceof IntegrationUnavailableError) return stop(error.message);
      throw error;
    }
    await shutdown();
  }
}

class StopError extends Error {}

/** The flags `serve` and `worker` have in common (worker has no HTTP ones). */
/** As oclif parses them: a flag not given is there as undefined. */
export interface ServiceFlags {
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  readonly migrate?: boolean | undefined;
  readonly "database-url"?: string | undefined;
  readonly config?: string | undefined;
  readonly log?: boolean | undefined;
}
