import * as client from "openid-client";
import { type AuthOptions, createAuthenticator } from "../auth.js";
import { isLoopbackHost } from "./loopback.js";
import type { OidcLogin } from "./session.js";

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  /** Undefined: a public client (PKCE only). */
  readonly clientSecret?: string;
  readonly scopes: readonly string[];
  readonly publicUrl?: string;
  readonly afterLogin: string;
  readonly afterLogout: string;
}

/**
 * Reads the provider's discovery document (once, at start: a provider that is down stops
 * `serve` with its reason instead of failing every login later). Plain http is allowed for a
 * provider on this machine only (fluvius.yaml's check says so too).
 */
export async function discoverOidc(settings: OidcSettings, claims: Pick<AuthOptions, "idClaim" | "tenantClaim" | "rolesClaim">): Promise<OidcLogin> {
  const issuer = new URL(settings.issuer);
  const insecure = issuer.protocol === "http:" && isLoopbackHost(issuer.hostname);
  const auth = settings.clientSecret === undefined ? client.None() : client.ClientSecretBasic(settings.clientSecret);
  const configuration = await client.discovery(issuer, settings.clientId, undefined, auth, insecure ? { execute: [client.allowInsecureRequests] } : {});
  const metadata = configuration.serverMetadata();
  if (metadata.jwks_uri === undefined) throw new Error(`The provider ${settings.issuer} publishes no jwks_uri: its ID tokens cannot be verified.`);
  return {
    client: configuration,
    // The session cookie holds the ID token: issued by the provider, for this client.
    verify: createAuthenticator({ jwksUrl: metadata.jwks_uri, issuer: metadata.issuer, audience: settings.clientId, ...claims }),
    scopes: settings.scopes,
    ...(settings.publicUrl === undefined ? {} : { publicUrl: settings.publicUrl }),
    afterLogin: settings.afterLogin,
    afterLogout: settings.afterLogout,
  };
}
