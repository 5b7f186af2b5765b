import type { IntegrationSpec } from "../runtime/integrations/spec.js";

/**
 * The part of fluvius.yaml a running service reads. `fluvius generate` writes it into
 * src/generated/service.ts for production (no YAML is read there); `fluvius serve` passes the
 * config it loaded (a ProjectConfig is one).
 */
export interface ServiceConfig {
  readonly api: { readonly basePath: string };
  readonly auth: {
    readonly idClaim: string;
    readonly tenantClaim: string;
    readonly rolesClaim: string;
    /** The environment variable that holds the HS256 secret (default FLUVIUS_JWT_SECRET). */
    readonly secretEnv: string;
    readonly jwksUrl?: string;
    readonly issuer?: string;
    readonly audience?: string;
    readonly tenantNameClaim?: string;
    /** The session cookie's name, when a browser session is accepted. */
    readonly cookieName?: string;
    readonly oidc?: OidcServiceConfig;
  };
  /** The environment variable that holds the PostgreSQL URL (default DATABASE_URL). */
  readonly database: { readonly urlEnv: string };
  /** Webhooks and brokers by name, as written (`$env.NAME` is read when the service starts). */
  readonly integrations: Readonly<Record<string, IntegrationSpec>>;
}

/** `auth.oidc` of fluvius.yaml, with its defaults. */
export interface OidcServiceConfig {
  readonly issuer: string;
  readonly clientId: string;
  /** The environment variable that holds the client secret (none: a public client). */
  readonly clientSecretEnv?: string;
  readonly publicUrl?: string;
  readonly scopes: readonly string[];
  readonly afterLogin: string;
  readonly afterLogout: string;
}
