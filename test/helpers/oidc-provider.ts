import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export interface TestAccount {
  readonly claims: Readonly<Record<string, unknown>>;
}

export interface LocalProvider {
  readonly issuer: string;
  close(): Promise<void>;
}

export interface ProviderOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  /** The claims of the account a login names (any login name, any password: devInteractions). */
  readonly claimsOf: (login: string) => Readonly<Record<string, unknown>>;
}

/**
 * An OpenID Connect provider on 127.0.0.1 (a random port), the `oidc-provider` package with its
 * development login and consent pages, one confidential client, and a `bank` scope carrying the
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
    ],
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email"], bank: ["tenant", "roles", "tenant_name"] },
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
