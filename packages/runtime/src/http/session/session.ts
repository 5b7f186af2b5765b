import type { Configuration } from "openid-client";
import type { Authenticator } from "../auth.js";

/** The browser login against an OpenID Connect provider (`auth.oidc`), discovered at start. */
export interface OidcLogin {
  /** openid-client's view of the provider and of this client. */
  readonly client: Configuration;
  /** Verifies an ID token of this provider for this client (iss, aud, signature by its JWKS). */
  readonly verify: Authenticator;
  readonly scopes: readonly string[];
  /** e.g. https://bank.example; undefined: the request's own origin (development). */
  readonly publicUrl?: string;
  readonly afterLogin: string;
  readonly afterLogout: string;
}

/** A browser session: the token in a cookie, and optionally the login flow that sets it. */
export interface SessionOptions {
  readonly cookieName: string;
  /**
   * Verifies the cookie's token as `Authorization: Bearer` would carry it. Default: the login's
   * ID-token verifier, or without a login the server's own authenticator (a gateway sets the cookie).
   */
  readonly verify?: Authenticator;
  readonly login?: OidcLogin;
}
