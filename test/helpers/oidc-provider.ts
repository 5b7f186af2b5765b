import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import Provider, { type ClientMetadata } from "oidc-provider";
import { expect } from "vitest";
import { Browser } from "./browser-jar.js";

export interface LocalProvider {
  readonly issuer: string;
  close(): Promise<void>;
}

export interface ProviderOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  /** A second, public client (no secret: PKCE only) with its redirect URI. */
  readonly publicClient?: { readonly clientId: string; readonly redirectUri: string };
  /** The claims of the account a login names (any login name, any password: devInteractions). */
  readonly claimsOf: (login: string) => Readonly<Record<string, unknown>>;
}

/**
 * An OpenID Connect provider on 127.0.0.1 (a random port), the `oidc-provider` package with its
 * development login and consent pages, a confidential client (and optionally a public one), and a `bank` scope carrying the
 * tenant and roles in the ID token.
 */
export async function startLocalProvider(options: ProviderOptions): Promise<LocalProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        response_types: ["code"],
        grant_types: ["authorization_code"],
      },
      ...(options.publicClient === undefined
        ? []
        : [
            {
              client_id: options.publicClient.clientId,
              token_endpoint_auth_method: "none",
              redirect_uris: [options.publicClient.redirectUri],
              response_types: ["code"],
              grant_types: ["authorization_code"],
            } satisfies ClientMetadata,
          ]),
    ],
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email"], bank: ["tenant", "roles", "tenant_name", "notes"] },
    // Scope claims in the ID token as well (not only at userinfo): the ID token is the session.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["local-provider-cookie-key"] },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, ...options.claimsOf(sub) }) }),
  });
  server.on("request", provider.callback());
  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A browser's login at `{origin}{base}/auth/login?next=…`: through the provider's login page
 * (as `login`, any password) and consent page, back to the callback, which it calls.
 */
export async function signIn(origin: string, login: string, next: string, base = "/api"): Promise<{ browser: Browser; landed: Response }> {
  const browser = new Browser();
  const callback = `${origin}${base}/auth/callback`;
  const start = await browser.request(`${origin}${base}/auth/login?next=${encodeURIComponent(next)}&callback=${encodeURIComponent(`${base}/auth/callback`)}`);
  expect(start.status).toBe(302);
  let step = await browser.follow(start.headers.get("location") ?? "", callback);
  for (let page = 0; step.response !== undefined && page < 4; page++) {
    const html = await step.response.text();
    const target = await browser.submit(step.url, html, html.includes('name="login"') ? { login, password: "any" } : {});
    step = await browser.follow(target, callback);
  }
  expect(step.url.startsWith(`${callback}?`), `the provider sent the browser back: ${step.url}`).toBe(true);
  const landed = await browser.request(step.url);
  return { browser, landed };
}

/** A port nothing listens on now (for a server that must be named before it starts). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
