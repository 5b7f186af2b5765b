import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { type SourceRange, wholeFile } from "../diagnostics/diagnostic.js";
import type { Host } from "../host/host.js";
import { dirname, displayPath, resolvePath } from "../host/paths.js";
import { parseYaml } from "../parse/parse.js";
import { rangeAt } from "../parse/locate.js";
import { parseDuration } from "../model/reaction-values.js";
import type { SourceFile } from "../parse/source-file.js";
import type { BreakingSuppression, ConfigFileContent, IntegrationSpec, OidcSpec } from "../validate/spec.js";
import { checkAuth } from "./check-auth.js";
import { validateConfigFile } from "../validate/validate.js";
import { type ReadOptions, readTextFile } from "./read-text.js";

export const CONFIG_FILE_NAME = "fluvius.yaml";
export const DEFAULT_SPECS = ["domains/**/*.yaml"] as const;

/** fluvius.yaml with every default filled in and every path absolute. */
export interface ProjectConfig {
  /** The folder of fluvius.yaml, or the working folder when there is none. */
  readonly root: string;
  /** The parsed fluvius.yaml, for diagnostics that point into it. */
  readonly file?: SourceFile;
  readonly specs: readonly string[];
  readonly output: {
    readonly generated: string;
    readonly handlers: string;
    readonly migrations: string;
    /**
     * How generated files are styled: "canonical" is fluvius's own style, printed by the
     * emitters (no formatter runs); "prettier" runs prettier with the project's config over them.
     */
    readonly format: "canonical" | "prettier";
  };
  readonly api: { readonly basePath: string };
  readonly auth: {
    readonly idClaim: string;
    readonly tenantClaim: string;
    readonly rolesClaim: string;
    readonly secretEnv: string;
    readonly jwksUrl?: string;
    readonly issuer?: string;
    readonly audience?: string;
    readonly tenantNameClaim?: string;
    /** The session cookie's name, when a browser session is accepted (set by `cookie` or `oidc`). */
    readonly cookieName?: string;
    readonly oidc?: OidcConfig;
  };
  readonly database: { readonly urlEnv: string; readonly embeddedPath: string };
  /** Webhooks and brokers by name, as written (`$env.NAME` is read when the server starts). */
  readonly integrations: Readonly<Record<string, IntegrationSpec>>;
  /** `fluvius breaking` findings accepted on purpose, each with its reason. */
  readonly breaking: { readonly ignore: readonly BreakingSuppression[] };
}

/** `auth.oidc` with its defaults. */
export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecretEnv?: string;
  readonly publicUrl?: string;
  /** Always with `openid`. */
  readonly scopes: readonly string[];
  readonly afterLogin: string;
  readonly afterLogout: string;
}

/** The nearest fluvius.yaml in the folder or its parents. */
export async function findConfigFile(host: Host, from: string): Promise<string | undefined> {
  let folder = from;
  for (;;) {
    const candidate = resolvePath(folder, CONFIG_FILE_NAME);
    if ((await host.stat(candidate))?.kind === "file") return candidate;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/**
 * Loads the project configuration. `explicitPath` (from --config) must exist; otherwise the
 * nearest fluvius.yaml is used, and without one every default applies. Undefined when
 * fluvius.yaml has errors (reported).
 */
export async function loadConfig(
  host: Host,
  diagnostics: DiagnosticCollector,
  options: ReadOptions & { explicitPath?: string } = {},
): Promise<ProjectConfig | undefined> {
  let path: string | undefined;
  if (options.explicitPath !== undefined) {
    path = resolvePath(host.cwd, options.explicitPath);
    if ((await host.stat(path))?.kind !== "file") {
      diagnostics.report("path-not-found", { path: options.explicitPath }, wholeFile(options.explicitPath));
      return undefined;
    }
  } else {
    path = await findConfigFile(host, host.cwd);
  }
  if (path === undefined) return resolveConfig(host.cwd, {});
  const text = await readTextFile(host, path, displayPath(host.cwd, path), diagnostics, options);
  if (!text) return undefined;
  // An empty fluvius.yaml is fine: every key has a default.
  if (text.text.trim() === "") return resolveConfig(dirname(path), {});
  const file = parseYaml(text, diagnostics);
  if (!file) return undefined;
  const content = validateConfigFile(file, diagnostics);
  if (!content) return undefined;
  const integrationsOk = checkIntegrations(content, file, diagnostics);
  if (!checkAuth(content, file, diagnostics) || !integrationsOk) return undefined;
  return resolveConfig(dirname(path), content, file);
}

/** Where a diagnostic about the whole project points: fluvius.yaml's document (the file, when it has none). */
export function configRange(config: ProjectConfig): SourceRange {
  return config.file ? rangeAt(config.file, []) : wholeFile(CONFIG_FILE_NAME);
}

export function resolveConfig(root: string, content: ConfigFileContent, file?: SourceFile): ProjectConfig {
  const at = (p: string) => resolvePath(root, p);
  return {
    root,
    ...(file ? { file } : {}),
    specs: content.specs ?? [...DEFAULT_SPECS],
    output: {
      generated: at(content.output?.generated ?? "src/generated"),
      handlers: at(content.output?.handlers ?? "src/domain"),
      migrations: at(content.output?.migrations ?? "migrations"),
      format: content.output?.format ?? "canonical",
    },
    api: { basePath: normaliseBasePath(content.api?.basePath ?? "/api") },
    auth: {
      idClaim: content.auth?.idClaim ?? "sub",
      tenantClaim: content.auth?.tenantClaim ?? "tenant",
      rolesClaim: content.auth?.rolesClaim ?? "roles",
      secretEnv: content.auth?.secretEnv ?? "FLUVIUS_JWT_SECRET",
      ...(content.auth?.jwksUrl === undefined ? {} : { jwksUrl: content.auth.jwksUrl }),
      ...(content.auth?.issuer === undefined ? {} : { issuer: content.auth.issuer }),
      ...(content.auth?.audience === undefined ? {} : { audience: content.auth.audience }),
      ...(content.auth?.tenantNameClaim === undefined ? {} : { tenantNameClaim: content.auth.tenantNameClaim }),
      ...(content.auth?.cookie === undefined && content.auth?.oidc === undefined ? {} : { cookieName: content.auth.cookie?.name ?? DEFAULT_COOKIE_NAME }),
      ...(content.auth?.oidc === undefined ? {} : { oidc: resolveOidc(content.auth.oidc) }),
    },
    database: {
      urlEnv: content.database?.urlEnv ?? "DATABASE_URL",
      embeddedPath: at(content.database?.embeddedPath ?? ".fluvius/pgdata"),
    },
    integrations: content.integrations ?? {},
    breaking: { ignore: content.breaking?.ignore ?? [] },
  };
}

/** The session cookie's default name: the one Fluvius (Python) uses for the ID token. */
export const DEFAULT_COOKIE_NAME = "id_token";

function resolveOidc(spec: OidcSpec): OidcConfig {
  const scopes = spec.scopes ?? ["openid", "profile", "email"];
  return {
    issuer: spec.issuer,
    clientId: spec.clientId,
    ...(spec.clientSecretEnv === undefined ? {} : { clientSecretEnv: spec.clientSecretEnv }),
    ...(spec.publicUrl === undefined ? {} : { publicUrl: spec.publicUrl.replace(/\/+$/, "") }),
    scopes: scopes.includes("openid") ? scopes : ["openid", ...scopes],
    afterLogin: spec.afterLogin ?? "/",
    afterLogout: spec.afterLogout ?? "/",
  };
}

/** What the schema cannot say about integrations: durations. False when something is wrong (reported). */
function checkIntegrations(content: ConfigFileContent, file: SourceFile, diagnostics: DiagnosticCollector): boolean {
  let ok = true;
  for (const [name, integration] of Object.entries(content.integrations ?? {})) {
    const timeout = integration.webhook?.timeout;
    if (timeout !== undefined && parseDuration(timeout) === undefined) {
      diagnostics.report("invalid-duration", { text: timeout }, rangeAt(file, ["integrations", name, "webhook", "timeout"], "value"));
      ok = false;
    }
  }
  return ok;
}

/** "/api/" and "api" both mean "/api"; "/" means no prefix (""). */
function normaliseBasePath(p: string): string {
  const trimmed = p.replace(/\/+$/, "");
  return trimmed === "" ? "" : trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}
