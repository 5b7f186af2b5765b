import { readFileSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { renderDocs } from "../docs/index.js";
import { findMermaidBundle } from "../docs/mermaid-bundle.js";
import { projectDocsInput } from "../docs/project.js";
import type { Host } from "../host/host.js";
import { createAuthenticator } from "../http/auth.js";
import type { BuildInfo } from "../http/meta/app-meta.js";
import type { DomainDocsPage } from "../http/routes/domain-docs.js";
import { createServer } from "../http/server.js";
import { discoverOidc } from "../http/session/oidc.js";
import type { SessionOptions } from "../http/session/session.js";
import type { ProjectConfig } from "../load/config.js";
import type { EventStore } from "../runtime/store/types.js";
import type { ProjectCode } from "./load-code.js";
import { resolveSecret } from "./secret.js";

/** Why the project's server could not start, in words for the user (a port in use, an OIDC provider that does not answer). */
export class ProjectStartError extends Error {}

export interface ProjectHttpOptions {
  readonly host: Host;
  readonly config: ProjectConfig;
  /** --config, for the domain docs page that re-reads the specs. */
  readonly configPath?: string;
  readonly store: EventStore;
  readonly code: ProjectCode;
  readonly project: { readonly name: string; readonly version: string };
  /** Log every request (JSON lines). */
  readonly log: boolean;
  readonly port: number;
  readonly listenHost: string;
}

export interface ProjectHttp {
  readonly app: FastifyInstance;
  /** http://127.0.0.1:3000 (no base path). */
  readonly address: string;
  /** What `serve` prints once it listens: the URL, the sign-in page, where tokens come from. */
  readonly banner: readonly string[];
}

/** The project's HTTP API (as `fluvius serve` and `fluvius dev` run it), listening. */
export async function startProjectHttp(options: ProjectHttpOptions): Promise<ProjectHttp> {
  const { config, store, code, project } = options;
  const authenticate =
    config.auth.jwksUrl !== undefined ? createAuthenticator({ ...config.auth }) : createAuthenticator({ ...config.auth, secret: resolveSecret(config).secret });
  const session = await sessionOf(config, process.env);
  const app = await createServer({
    store,
    domains: code.domains,
    authenticate,
    ...(session === undefined ? {} : { session }),
    ...(config.auth.tenantNameClaim === undefined ? {} : { tenantNameClaim: config.auth.tenantNameClaim }),
    basePath: config.api.basePath,
    ...(code.openApi === undefined ? {} : { openApi: code.openApi }),
    domainDocs: domainDocsPage(options.host, config, options.configPath),
    name: project.name,
    version: project.version,
    build: buildInfo(process.env),
    logger: options.log,
    stacks: options.log || (process.env.DEBUG?.includes("fluvius") ?? false),
  });
  let address: string;
  try {
    address = await app.listen({ port: options.port, host: options.listenHost });
  } catch (error) {
    await app.close().catch(() => undefined);
    const problem = listenProblem(error, options.port, options.listenHost);
    throw problem === undefined ? error : new ProjectStartError(problem);
  }
  const banner = [`listening on ${address}${config.api.basePath}  (docs: ${address}/docs)`];
  if (session?.login !== undefined) banner.push(`sign in: ${session.login.publicUrl ?? address}${config.api.basePath}/auth/login`);
  if (config.auth.jwksUrl === undefined && resolveSecret(config).source === "development") {
    banner.push("tokens: the development secret; mint one with `fluvius token --sub <id> --tenant <tenant> --role <role>`");
  }
  return { app, address, banner };
}

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
    throw new ProjectStartError(`auth.oidc.clientSecretEnv names ${oidc.clientSecretEnv}, which is not set: set it to the client secret of '${oidc.clientId}'.`);
  }
  try {
    const login = await discoverOidc({ ...oidc, ...(secret === undefined ? {} : { clientSecret: secret }) }, config.auth);
    return { cookieName, login };
  } catch (error) {
    throw new ProjectStartError(`cannot read the OpenID Connect provider ${oidc.issuer}: ${error instanceof Error ? error.message : String(error)}.`);
  }
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

/** The project's name and version from its package.json (the folder's name and 0.0.0 without one). */
export function readProjectPackage(root: string): { name: string; version: string } {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
    return { name: typeof pkg.name === "string" ? pkg.name : path.basename(root), version: typeof pkg.version === "string" ? pkg.version : "0.0.0" };
  } catch {
    return { name: path.basename(root), version: "0.0.0" };
  }
}
