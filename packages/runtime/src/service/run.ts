import type { DomainDefinition } from "../runtime/domain.js";
import { FluviusError } from "../runtime/errors.js";
import { openStore } from "../runtime/open.js";
import { installedSystemSchemaVersion, systemSchemaVersion } from "../runtime/store/schema.js";
import type { ServiceConfig } from "./config.js";
import { readPackageIdentity, ServiceStartError, startServiceHttp } from "./http.js";
import { secretFromEnv } from "./secret.js";
import { stopSignal } from "./stop-signal.js";
import { startServiceWorkers } from "./workers.js";

export interface StartServiceOptions {
  /** The generated `domains` (src/generated/index.ts). */
  readonly domains: readonly DomainDefinition[];
  /** The generated `serviceConfig` (src/generated/service.ts): fluvius.yaml's api, auth, database and integrations. */
  readonly config: ServiceConfig;
  /** The generated OpenAPI document (src/generated/openapi.json), served at /openapi.json with Swagger UI at /docs. */
  readonly openApi?: Record<string, unknown>;
  /** Serve the HTTP API (default true). */
  readonly http?: boolean;
  /** Run the reactions, timers, asynchronous views and forwarders in this process (default true). */
  readonly workers?: boolean;
  /** Default: the variable fluvius.yaml's database.urlEnv names (DATABASE_URL). */
  readonly databaseUrl?: string;
  /** Default: the PORT variable, else 3000. */
  readonly port?: number;
  /** Default: the HOST variable, else 127.0.0.1 (in a container: 0.0.0.0). */
  readonly host?: string;
  /** Log every request (JSON lines; default: the FLUVIUS_LOG variable is set). */
  readonly log?: boolean;
  /** Where `/_meta`'s name and version come from (default: the working folder's package.json). */
  readonly project?: { readonly name: string; readonly version: string };
  readonly env?: NodeJS.ProcessEnv;
  /** Where the start-up lines and worker problems go (default: stdout and stderr). */
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

export interface RunningService {
  /** http://127.0.0.1:3000 (no base path), when it serves HTTP. */
  readonly address?: string;
  /** What it prints once it runs. */
  readonly banner: readonly string[];
  /** Stops HTTP and the workers, then closes the database. */
  close(): Promise<void>;
}

/**
 * A production service on the runtime alone (no CLI, no compiler, no YAML): the store on
 * PostgreSQL, the HTTP API and the workers, configured by what `fluvius generate` wrote.
 * Migrations are applied before, as a release step (`fluvius migrate up`); a database without
 * fluvius's tables is refused with that advice. Tokens are verified with auth.jwksUrl or the
 * secret in auth.secretEnv: the development secret of `fluvius serve` is never used here.
 */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const env = options.env ?? process.env;
  const { config } = options;
  const url = options.databaseUrl ?? nonEmpty(env[config.database.urlEnv]);
  if (url === undefined) throw new ServiceStartError(`no database: set ${config.database.urlEnv} to the PostgreSQL URL (postgres://user@host/db).`);
  const store = await openStore({ url, owner: "startService" });
  const closers: (() => Promise<unknown>)[] = [() => store.close()];
  const close = async () => {
    for (const step of closers.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const installed = await installedSystemSchemaVersion(store.database);
    if (installed === 0)
      throw new ServiceStartError("the database has no fluvius tables: apply the migrations first (`fluvius migrate up --database-url …`, a release step).");
    if (installed < systemSchemaVersion) {
      throw new ServiceStartError(
        `the database's system tables are v${installed}, this runtime needs v${systemSchemaVersion}: create and apply the upgrade migration (\`fluvius migrate new upgrade-fluvius\`, \`fluvius migrate up\`).`,
      );
    }
    const project = options.project ?? readPackageIdentity(process.cwd());
    const banner: string[] = [];
    if (options.workers ?? true) {
      const workers = await startServiceWorkers({
        config,
        store,
        domains: options.domains,
        projectName: project.name,
        log: options.err ?? ((line) => process.stderr.write(`${line}\n`)),
        env,
      });
      if (workers.problem !== undefined) throw new ServiceStartError(workers.problem);
      closers.push(() => workers.stop());
      banner.push(workers.summary);
    }
    let address: string | undefined;
    if (options.http ?? true) {
      const secret = secretFromEnv(config, env);
      const http = await startServiceHttp({
        config,
        ...(secret === undefined ? {} : { secret: { secret, source: "environment" as const } }),
        store,
        domains: options.domains,
        ...(options.openApi === undefined ? {} : { openApi: options.openApi }),
        project,
        log: options.log ?? nonEmpty(env.FLUVIUS_LOG) !== undefined,
        port: options.port ?? portOf(env.PORT),
        listenHost: options.host ?? nonEmpty(env.HOST) ?? "127.0.0.1",
        env,
      });
      closers.push(() => http.app.close());
      address = http.address;
      banner.push(...http.banner);
    }
    return { ...(address === undefined ? {} : { address }), banner, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * `startService`, until SIGINT or SIGTERM; then a clean stop. A problem of the setting (no
 * database URL, no secret, a port in use, tables missing) is one line on stderr and exit
 * code 1, never a stack trace.
 */
export async function runService(options: StartServiceOptions): Promise<void> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stopped = stopSignal();
  let service: RunningService;
  try {
    service = await startService(options);
  } catch (error) {
    if (error instanceof ServiceStartError || error instanceof FluviusError) {
      err(`fluvius: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  for (const line of service.banner) out(line);
  await stopped;
  out("stopping…");
  await service.close();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function portOf(value: string | undefined): number {
  const port = Number(value ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServiceStartError(`PORT is ${JSON.stringify(value)}, not a port number (0 to 65535).`);
  return port;
}
