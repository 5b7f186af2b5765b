import { readFileSync } from "node:fs";
import path from "node:path";
import { EXIT, FluviusCommand } from "./base-command.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import { formatText } from "../diagnostics/format/text.js";
import { planGeneration } from "../generate/generate.js";
import { createAuthenticator } from "../http/auth.js";
import type { BuildInfo } from "../http/meta/app-meta.js";
import { createServer } from "../http/server.js";
import type { DomainDocsPage } from "../http/routes/domain-docs.js";
import { renderDocs } from "../docs/index.js";
import { findMermaidBundle } from "../docs/mermaid-bundle.js";
import { projectDocsInput } from "../docs/project.js";
import type { Host } from "../host/host.js";
import { nodeHost } from "../host/node-host.js";
import { loadConfig, type ProjectConfig } from "../load/config.js";
import { discoverOidc } from "../http/session/oidc.js";
import type { SessionOptions } from "../http/session/session.js";
import { diagnosticsText } from "../migrate/cli.js";
import { readMigrationsFolder } from "../migrate/files.js";
import { migrateUp, migrationStatus } from "../migrate/runner.js";
import { openProjectDatabase } from "../project/database.js";
import { loadProjectCode, ProjectCodeError } from "../project/load-code.js";
import { resolveSecret } from "../project/secret.js";
import { startProjectWorkers } from "../project/workers.js";
import { IntegrationConfigError, IntegrationUnavailableError } from "../runtime/errors.js";

/** A command that runs the project (serve, worker): config, specs, migrations, database, code; then HTTP and/or the workers. */
export abstract class ServiceCommand extends FluviusCommand {
  /** What `serve` and `worker` share: config, specs, migrations, the database and the project's code; then HTTP and/or the workers. */
  protected async start(flags: ServiceFlags, mode: { readonly http: boolean; readonly workers: boolean }): Promise<void> {
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
      { cwd: host.cwd, command: mode.http ? "fluvius serve" : "fluvius worker", ...(flags["database-url"] === undefined ? {} : { url: flags["database-url"] }) },
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
        if (status.pending.length > 0) throw new StopError(`${status.pending.length} migration(s) are not applied: run \`fluvius migrate up\` or \`fluvius serve --migrate\`.`);
      }

      const code = await loadProjectCode(config);
      const project = readProjectPackage(config.root);
      this.log(`database: ${target.description}`);
      if (mode.workers) {
        const workers = await startProjectWorkers({ config, store, domains: code.domains, projectName: project.name, log: (line) => this.logToStderr(line) });
        if (workers.problem !== undefined) throw new StopError(workers.problem);
        if (!mode.http && workers.count === 0) throw new StopError("the specs declare no reactions: a worker has nothing to do.");
        closers.push(() => workers.stop());
        this.log(workers.summary);
      }
      if (mode.http) {
        const authenticate =
          config.auth.jwksUrl !== undefined
            ? createAuthenticator({ ...config.auth })
            : createAuthenticator({ ...config.auth, secret: resolveSecret(config).secret });
        const session = await sessionOf(config, process.env);
        const app = await createServer({
          store,
          domains: code.domains,
          authenticate,
          ...(session === undefined ? {} : { session }),
          ...(config.auth.tenantNameClaim === undefined ? {} : { tenantNameClaim: config.auth.tenantNameClaim }),
          basePath: config.api.basePath,
          ...(code.openApi === undefined ? {} : { openApi: code.openApi }),
          domainDocs: domainDocsPage(host, config, flags.config),
          name: project.name,
          version: project.version,
          build: buildInfo(process.env),
          logger: flags.log ?? false,
          stacks: (flags.log ?? false) || (process.env.DEBUG?.includes("fluvius") ?? false),
        });
        closers.push(() => app.close());
        const port = flags.port ?? 3000;
        const listenHost = flags.host ?? "127.0.0.1";
        const address = await app.listen({ port, host: listenHost }).catch((error: unknown) => {
          const problem = listenProblem(error, port, listenHost);
          throw problem === undefined ? error : new StopError(problem);
        });
        this.log(`listening on ${address}${config.api.basePath}  (docs: ${address}/docs)`);
        if (session?.login !== undefined) this.log(`sign in: ${session.login.publicUrl ?? address}${config.api.basePath}/auth/login`);
        if (config.auth.jwksUrl === undefined && resolveSecret(config).source === "development") {
          this.log("tokens: the development secret; mint one with `fluvius token --sub <id> --tenant <tenant> --role <role>`");
        }
      }
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      this.log("stopping…");
    } catch (error) {
      await shutdown();
      if (error instanceof StopError) return stop(error.message);
      if (error instanceof ProjectCodeError) return stop(error.message);
      // fluvius.yaml's integrations: a variable not set, a broker not reachable.
      if (error instanceof IntegrationConfigError || error instanceof IntegrationUnavailableError) return stop(error.message);
      throw error;
    }
    await shutdown();
  }
}

class StopError extends Error {}

/** `/docs/domain`: the HTML docs of the specs, rendered on the first request (serving starts no later for it). */
function domainDocsPage(host: Host, config: ProjectConfig, configPath: string | undefined): DomainDocsPage {
  const mermaidBundle = findMermaidBundle(config.root);
  return {
    ...(mermaidBundle === undefined ? {} : { mermaidBundle }),
    async render(mermaidScript) {
      const project = await projectDocsInput(host, configPath === undefined ? {} : { configPath });
      if (!project.ok) throw new Error("The specs have errors since the server started; run `fluvius validate`.");
      return renderDocs(project.input, "html", mermaidScript === undefined ? {} : { mermaidScript });
    },
  };
}

/** The browser session of fluvius.yaml `auth.cookie` / `auth.oidc`; the provider is asked for its metadata now. */
async function sessionOf(config: ProjectConfig, env: NodeJS.ProcessEnv): Promise<SessionOptions | undefined> {
  const { cookieName, oidc } = config.auth;
  if (cookieName === undefined) return undefined;
  if (oidc === undefined) return { cookieName };
  const secret = oidc.clientSecretEnv === undefined ? undefined : env[oidc.clientSecretEnv];
  if (oidc.clientSecretEnv !== undefined && (secret === undefined || secret === "")) {
    throw new StopError(`auth.oidc.clientSecretEnv names ${oidc.clientSecretEnv}, which is not set: set it to the client secret of '${oidc.clientId}'.`);
  }
  try {
    const login = await discoverOidc({ ...oidc, ...(secret === undefined ? {} : { clientSecret: secret }) }, config.auth);
    return { cookieName, login };
  } catch (error) {
    throw new StopError(`cannot read the OpenID Connect provider ${oidc.issuer}: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

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

/** Why the server could not listen, when the cause is the machine or the flags, not fluvius. */
function listenProblem(error: unknown, port: number, host: string): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE") return `port ${port} on ${host} is already in use; stop what listens there, or choose another with --port.`;
  if (code === "EACCES") return `no permission to listen on port ${port} on ${host} (ports below 1024 need privileges); choose another with --port.`;
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") return `cannot listen on ${host}: it is not an address of this machine; check --host.`;
  return undefined;
}

/** `/_meta`'s build_no and build_time, from FLUVIUS_BUILD_NO and FLUVIUS_BUILD_TIME (set by a deployment's build). */
function buildInfo(env: NodeJS.ProcessEnv): BuildInfo {
  return {
    ...(env.FLUVIUS_BUILD_NO ? { number: env.FLUVIUS_BUILD_NO } : {}),
    ...(env.FLUVIUS_BUILD_TIME ? { time: env.FLUVIUS_BUILD_TIME } : {}),
  };
}

function readProjectPackage(root: string): { name: string; version: string } {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
    return { name: typeof pkg.name === "string" ? pkg.name : path.basename(root), version: typeof pkg.version === "string" ? pkg.version : "0.0.0" };
  } catch {
    return { name: path.basename(root), version: "0.0.0" };
  }
}
