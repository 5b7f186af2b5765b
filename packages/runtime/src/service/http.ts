import { readFileSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { createAuthenticator } from "../http/auth.js";
import type { BuildInfo } from "../http/meta/app-meta.js";
import type { DomainDocsPage } from "../http/routes/domain-docs.js";
import { createServer } from "../http/server.js";
import { discoverOidc } from "../http/session/oidc.js";
import type { SessionOptions } from "../http/session/session.js";
import type { DomainDefinition } from "../runtime/domain.js";
import type { EventStore } from "../runtime/store/types.js";
import type { ServiceConfig } from "./config.js";
import type { Secret } from "./secret.js";

/** Why the service could not start, in words for the user (a port in use, an OIDC provider that does not answer, a missing secret). */
export class ServiceStartError extends Error {}

export interface ServiceHttpOptions {
  readonly config: ServiceConfig;
  /** Where HS256 tokens are verified with; unused with auth.jwksUrl. */
  readonly secret?: Secret;
  readonly store: EventStore;
  readonly domains: readonly DomainDefinition[];
  /** The generated OpenAPI document (src/generated/openapi.json). */
  readonly openApi?: Record<string, unknown>;
  /** `/docs/domain` (only `fluvius serve` and `fluvius dev` have the compiler that renders it). */
  readonly domainDocs?: DomainDocsPage;
  readonly project: { readonly name: string; readonly version: string };
  /** Log every request (JSON lines). */
  readonly log: boolean;
  readonly port: number;
  readonly listenHost: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ServiceHttp {
  readonly app: FastifyInstance;
  /** http://127.0.0.1:3000 (no base path). */
  readonly address: string;
  /** What the service prints once it listens: the URL, the sign-in page. */
  readonly banner: readonly string[];
}

/** The service's HTTP API, listening (what `fluvius serve`, `fluvius dev` and a production entry run). */
export async function startServiceHttp(options: ServiceHttpOptions): Promise<ServiceHttp> {
  const { config, store, project } = options;
  const env = options.env ?? process.env;
  if (config.auth.jwksUrl === undefined && options.secret === undefined) {
    throw new ServiceStartError(`no secret to verify tokens with: set ${config.auth.secretEnv}, or auth.jwksUrl in fluvius.yaml.`);
  }
  const authenticate = createAuthenticator(config.auth.jwksUrl !== undefined ? { ...config.auth } : { ...config.auth, secret: options.secret?.secret ?? "" });
  const session = await sessionOf(config, env);
  const app = await createServer({
    store,
    domains: options.domains,
    authenticate,
    ...(session === undefined ? {} : { session }),
    ...(config.auth.tenantNameClaim === undefined ? {} : { tenantNameClaim: config.auth.tenantNameClaim }),
    basePath: config.api.basePath,
    ...(options.openApi === undefined ? {} : { openApi: options.openApi }),
    ...(options.domainDocs === undefined ? {} : { domainDocs: options.domainDocs }),
    name: project.name,
    version: project.version,
    build: buildInfo(env),
    logger: options.log,
    stacks: options.log || (env.DEBUG?.includes("fluvius") ?? false),
  });
  let address: string;
  try {
    address = await app.listen({ port: options.port, host: options.listenHost });
  } catch (error) {
    await app.close().catch(() => undefined);
    const problem = listenProblem(error, options.port, options.listenHost);
    throw problem === undefined ? error : new ServiceStartError(problem);
  }
  const banner = [`listening on ${address}${config.api.basePath}  (docs: ${address}/docs)`];
  if (session?.login !== undefined) banner.push(`sign in: ${session.login.publicUrl ?? address}${config.api.basePath}/auth/login`);
  return { app, address, banner };
}

/** The browser session of fluvius.yaml `auth.cookie` / `auth.oidc`; the provider is asked for its metadata now. */
async function sessionOf(config: ServiceConfig, env: NodeJS.ProcessEnv): Promise<SessionOptions | undefined> {
  const { cookieName, oidc } = config.auth;
  if (cookieName === undefined) return undefined;
  if (oidc === undefined) return { cookieName };
  const secret = oidc.clientSecretEnv === undefined ? undefined : env[oidc.clientSecretEnv];
  if (oidc.clientSecretEnv !== undefined && (secret === undefined || secret === "")) {
    throw new ServiceStartError(
      `auth.oidc.clientSecretEnv names ${oidc.clientSecretEnv}, which is not set: set it to the client secret of '${oidc.clientId}'.`,
    );
  }
  try {
    const login = await discoverOidc({ ...oidc, ...(secret === undefined ? {} : { clientSecret: secret }) }, config.auth);
    return { cookieName, login };
  } catch (error) {
    throw new ServiceStartError(`cannot read the OpenID Connect provider ${oidc.issuer}: ${error instanceof Error ? error.message : String(error)}.`);
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
export function readPackageIdentity(root: string): { name: string; version: string } {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
    return { name: typeof pkg.name === "string" ? pkg.name : path.basename(root), version: typeof pkg.version === "string" ? pkg.version : "0.0.0" };
  } catch {
    return { name: path.basename(root), version: "0.0.0" };
  }
}
