/**
 * The server process of `fluvius dev` (forked, never run by hand): it owns the embedded
 * development database and runs the project's code as `fluvius serve` does. The parent
 * drives it with the requests of ./protocol.ts.
 */
import { compile } from "../compile.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import { formatText } from "../diagnostics/format/text.js";
import { nodeHost } from "../host/node-host.js";
import { loadConfig, type ProjectConfig } from "../load/config.js";
import { devMigrate } from "../migrate/dev.js";
import { chooseTarget, type MigrationTarget, openTarget } from "../migrate/target.js";
import { lower } from "../model/lower.js";
import { startProjectHttp } from "../project/http.js";
import { readPackageIdentity, ServiceStartError } from "@fluvius/runtime/internal/service/http";
import { loadProjectCode, ProjectCodeError, type ProjectCode } from "../project/load-code.js";
import { startServiceWorkers } from "@fluvius/runtime/internal/service/workers";
import { IntegrationConfigError, IntegrationUnavailableError } from "@fluvius/runtime/internal/runtime/errors";
import { createStore } from "@fluvius/runtime/internal/runtime/open";
import type { EventStore } from "@fluvius/runtime/internal/runtime/store/types";
import { DEV_CONFIG_ENV, type DevReply, type DevRequest } from "./protocol.js";

const host = nodeHost();
const configPath = process.env[DEV_CONFIG_ENV] || undefined;
let config: ProjectConfig | undefined;
let code: ProjectCode | undefined;
let database: { target: MigrationTarget; store: EventStore } | undefined;
const closers: (() => Promise<unknown>)[] = [];

class Refusal extends Error {}

async function projectConfig(): Promise<ProjectConfig> {
  if (config) return config;
  const diagnostics = new DiagnosticCollector();
  const loaded = await loadConfig(host, diagnostics, configPath === undefined ? {} : { explicitPath: configPath });
  if (!loaded || diagnostics.hasErrors())
    throw new Refusal(`fluvius.yaml has errors:\n${formatText(diagnostics.sorted(), { color: false, sources: new Map() })}`);
  config = loaded;
  return loaded;
}

async function handle(request: DevRequest): Promise<Omit<Extract<DevReply, { ok: true }>, "id">> {
  switch (request.type) {
    case "load": {
      code = await loadProjectCode(await projectConfig());
      return { ok: true, lines: [] };
    }
    case "open": {
      const cfg = await projectConfig();
      const diagnostics = new DiagnosticCollector();
      // Always the embedded database: `fluvius dev` never changes a server's schema without a migration file.
      const choice = chooseTarget({ config: cfg, cwd: host.cwd, env: {} }, diagnostics);
      const target = choice ? await openTarget(choice, { command: "fluvius dev", create: true }, diagnostics) : undefined;
      if (target === undefined || target === "absent") throw new Refusal(formatText(diagnostics.sorted(), { color: false, sources: new Map() }));
      database = { target, store: createStore(target.db) };
      closers.push(() => target.close());
      return { ok: true, lines: [target.description] };
    }
    case "migrate": {
      if (!database) throw new Error("migrate before open");
      const compiled = await compile({ host, ...(configPath === undefined ? {} : { configPath }) });
      if (!compiled.domains || !compiled.config) throw new Refusal(formatText(compiled.diagnostics, { color: request.color, sources: compiled.sources }));
      const result = await devMigrate(database.target, {
        host,
        config: compiled.config,
        model: lower(compiled.domains),
        allowDestructive: request.allowDestructive,
      });
      if (!result.ok) {
        const text = result.diagnostics.length > 0 ? `${formatText(result.diagnostics, { color: request.color, sources: compiled.sources })}\n` : "";
        throw new Refusal(`${text}${result.problem}`);
      }
      const lines = [
        ...result.adopted.map((name) => `adopted ${name} (the development migrations had made its schema already)`),
        ...result.applied.map((name) => `applied ${name}`),
        ...result.changes.map((c) => `${c.loss === undefined ? "+" : "!"} ${c.summary}`),
      ];
      return { ok: true, lines };
    }
    case "listen": {
      if (!database || !code) throw new Error("listen before open and load");
      const cfg = await projectConfig();
      const project = readPackageIdentity(cfg.root);
      const workers = await startServiceWorkers({
        config: cfg,
        store: database.store,
        domains: code.domains,
        projectName: project.name,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      if (workers.problem !== undefined) throw new Refusal(workers.problem);
      closers.push(() => workers.stop());
      const http = await startProjectHttp({
        host,
        config: cfg,
        ...(configPath === undefined ? {} : { configPath }),
        store: database.store,
        code,
        project,
        log: request.log,
        port: request.port,
        listenHost: request.host,
      });
      closers.push(() => http.app.close());
      return { ok: true, lines: http.banner, address: http.address };
    }
    case "stop":
      await shutdown();
      return { ok: true, lines: [] };
  }
}

let stopping: Promise<void> | undefined;
function shutdown(): Promise<void> {
  stopping ??= (async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    closers.length = 0;
  })();
  return stopping;
}

const send = (reply: DevReply) => new Promise<void>((resolve) => (process.send ? process.send(reply, undefined, {}, () => resolve()) : resolve()));

process.on("message", (message: DevRequest) => {
  void (async () => {
    try {
      const reply = await handle(message);
      await send({ id: message.id, ...reply });
      if (message.type === "stop") process.exit(0);
    } catch (error) {
      const known = [Refusal, ProjectCodeError, ServiceStartError, IntegrationConfigError, IntegrationUnavailableError].some((kind) => error instanceof kind);
      const text = error instanceof Error ? (known ? error.message : `internal error: ${error.stack ?? error.message}`) : String(error);
      await send({ id: message.id, ok: false, text });
    }
  })();
});

// The parent went away (killed, crashed): close the database cleanly, then go too.
process.on("disconnect", () => void shutdown().then(() => process.exit(0)));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown().then(() => process.exit(0)));
