import type { FastifyReply, FastifyRequest } from "fastify";
import * as client from "openid-client";
import { IdentityProviderError, IdTokenTooLargeError, LoginError } from "../errors.js";
import { cookieFlags, sessionTokenOf } from "./cookie.js";
import type { OidcLogin } from "./session.js";

/** What every browser keeps of one cookie (RFC 6265 asks for at least 4096 bytes), leaving room for the flags. */
const MAX_COOKIE_BYTES = 3900;

/** How long a login may take between `/auth/login` and `/auth/callback`. */
const LOGIN_SECONDS = 600;

/** What the browser keeps between login and callback (in a cookie only `/auth/callback` receives). */
interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly next: string;
}

/** The OpenID Connect authorization code flow of one provider, as the routes of `{basePath}/auth/`. */
export class LoginFlow {
  private readonly pendingCookie: string;

  constructor(
    private readonly login: OidcLogin,
    private readonly cookieName: string,
    private readonly base: string,
  ) {
    this.pendingCookie = `${cookieName}_login`;
  }

  /** `GET …/auth/login?next=<page>`: to the provider's login page, with state, nonce and PKCE. */
  async start(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const origin = this.originOf(request);
    const query = request.query as Record<string, string | undefined>;
    const pending: PendingLogin = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      next: safeNext(query.next, origin) ?? this.login.afterLogin,
    };
    const url = client.buildAuthorizationUrl(this.login.client, {
      redirect_uri: `${origin}${this.base}/callback`,
      scope: this.login.scopes.join(" "),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: "S256",
    });
    const value = Buffer.from(JSON.stringify(pending)).toString("base64url");
    void reply.setCookie(this.pendingCookie, value, { ...this.flags(origin, `${this.base}/callback`), maxAge: LOGIN_SECONDS });
    return reply.redirect(url.href, 302);
  }

  /** `GET …/auth/callback?code=…&state=…`: the code for tokens; the ID token becomes the session cookie. */
  async finish(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const origin = this.originOf(request);
    const pending = readPending(request.cookies[this.pendingCookie]);
    // Used once, whatever happens next: a code is single-use, so a retry starts a new login.
    void reply.clearCookie(this.pendingCookie, this.flags(origin, `${this.base}/callback`));
    if (pending === undefined) throw new LoginError(`The login has expired or was started in another browser; start again at ${this.base}/login.`);
    const current = new URL(`${origin}${this.base}/callback`);
    current.search = new URL(request.url, "http://request").search;
    let idToken: string | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(this.login.client, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.id_token;
    } catch (error) {
      throw loginProblem(error);
    }
    if (idToken === undefined) throw new IdentityProviderError("The identity provider sent no ID token.");
    // Browsers drop a larger cookie without a word, which would loop the user through the login.
    if (this.cookieName.length + idToken.length > MAX_COOKIE_BYTES) {
      throw new IdTokenTooLargeError(
        `The ID token is ${idToken.length} bytes, too large for a browser's cookie (4 KiB): let the provider put fewer claims into it.`,
      );
    }
    // The token must make an actor (a tenant claim and all) before it becomes a session.
    const { claims } = await this.login.verify(`Bearer ${idToken}`);
    const seconds = claims.exp === undefined ? undefined : Math.max(0, claims.exp - Math.floor(Date.now() / 1000));
    void reply.setCookie(this.cookieName, idToken, { ...this.flags(origin, "/"), ...(seconds === undefined ? {} : { maxAge: seconds }) });
    return reply.redirect(safeNext(pending.next, origin) ?? this.login.afterLogin, 302);
  }

  /** `GET …/auth/logout`: clears the cookie, then through the provider's end-session page when it has one. */
  async end(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const origin = this.originOf(request);
    const query = request.query as Record<string, string | undefined>;
    const after = safeNext(query.redirect_uri ?? query.next, origin) ?? this.login.afterLogout;
    const token = sessionTokenOf(request, this.cookieName);
    void reply.clearCookie(this.cookieName, this.flags(origin, "/"));
    if (this.login.client.serverMetadata().end_session_endpoint === undefined) return reply.redirect(after, 302);
    const url = client.buildEndSessionUrl(this.login.client, {
      post_logout_redirect_uri: new URL(after, origin).href,
      ...(token === undefined ? {} : { id_token_hint: token }),
    });
    return reply.redirect(url.href, 302);
  }

  /** Where the browser reaches us: the configured public URL, else (development) the request's own origin. */
  private originOf(request: FastifyRequest): string {
    return this.login.publicUrl ?? `${request.protocol}://${request.host}`;
  }

  private flags(origin: string, path: string) {
    return cookieFlags(new URL(origin).hostname, path);
  }
}

/** A page of this site to go to after login or logout: a path, or an absolute URL of our origin; else undefined (no open redirect). */
export function safeNext(value: string | undefined, origin: string): string | undefined {
  if (value === undefined || value.length > 2000) return undefined;
  if (/^\/(?![/\\])/.test(value)) return value;
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.origin === new URL(origin).origin ? url.href : undefined;
}

function readPending(value: string | undefined): PendingLogin | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Partial<Record<keyof PendingLogin, unknown>>;
    const { state, nonce, verifier, next } = parsed;
    if (typeof state !== "string" || typeof nonce !== "string" || typeof verifier !== "string" || typeof next !== "string") return undefined;
    return { state, nonce, verifier, next };
  } catch {
    return undefined;
  }
}

/**
 * A failed code exchange: the provider refused (the user cancelled, a code used twice) or the
 * response does not match this login (state, nonce) is the browser's 400; a provider that
 * cannot be reached is a 502.
 */
function loginProblem(error: unknown): Error {
  if (error instanceof client.AuthorizationResponseError) {
    return new LoginError(`The identity provider refused the login: ${error.error_description ?? error.error}.`);
  }
  if (error instanceof client.ResponseBodyError) return new LoginError(`The identity provider refused the code: ${error.error_description ?? error.error}.`);
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return new IdentityProviderError("The identity provider cannot be reached.");
  const message = error instanceof Error ? error.message : String(error);
  return new LoginError(`The login response is not valid: ${message}.`);
}
