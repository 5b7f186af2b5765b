/**
 * The browser session in the OpenAPI document (fluvius.yaml `auth.cookie` / `auth.oidc`): the
 * cookie as a second security scheme and the `{basePath}/auth/…` routes of docs/http.md.
 * Absent without a session, so such projects' documents do not change.
 */
type Json = Record<string, unknown>;

export interface OpenApiSession {
  readonly cookieName: string;
  /** `auth.oidc` is set: the login routes exist. */
  readonly login: boolean;
}

export function sessionScheme(session: OpenApiSession): Json {
  return {
    type: "apiKey",
    in: "cookie",
    name: session.cookieName,
    description: [
      `The token in the session cookie \`${session.cookieName}\`${session.login ? ", set by the browser login (`/auth/login`)" : ""}; \`Authorization\` wins when both are sent.`,
      "A POST, PUT, PATCH or DELETE authenticated by the cookie needs the header `X-CSRF-Token` with the value of `GET /auth/csrf-token`, else `403 csrf-token-required`.",
    ].join(" "),
  };
}

const error = (description: string): Json => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
const redirect = (description: string): Json => ({ description, headers: { Location: { schema: { type: "string" } } } });
const query = (name: string, description: string): Json => ({ name, in: "query", required: false, schema: { type: "string" }, description });

/** The session's paths; `authErrors` are the responses an authenticated route answers (401, 500…). */
export function sessionPaths(basePath: string, session: OpenApiSession, authErrors: Record<string, Json>): Record<string, Record<string, Json>> {
  const base = `${basePath}/auth`;
  const csrf = {
    type: "object",
    required: ["csrf_token"],
    properties: { csrf_token: { type: "string", description: "Send it as `X-CSRF-Token` with every command authenticated by the cookie." } },
  };
  const paths: Record<string, Record<string, Json>> = {
    [`${base}/csrf-token`]: {
      get: {
        tags: ["auth"],
        summary: "The X-CSRF-Token of the caller's session cookie",
        security: [{ session: [] }],
        responses: { "200": { description: "OK", content: { "application/json": { schema: csrf } } }, ...authErrors },
      },
    },
  };
  if (!session.login) return paths;
  const failed = error("`login-failed`: the login expired, was started in another browser, was refused by the provider, or does not match (state, nonce).");
  const serverError = error("`internal-error`: a bug.");
  paths[`${base}/login`] = {
    get: {
      tags: ["auth"],
      summary: "Start the browser login at the OpenID Connect provider (also /auth/sign-in)",
      security: [],
      parameters: [query("next", "The page to return to: a path of this site, or a URL of its origin.")],
      responses: { "302": redirect("To the provider's login page."), "500": serverError },
    },
  };
  paths[`${base}/callback`] = {
    get: {
      tags: ["auth"],
      summary: "Where the provider sends the browser back: sets the session cookie",
      security: [],
      parameters: [query("code", "From the provider."), query("state", "From the provider.")],
      responses: {
        "302": redirect("To the login's `next` page, with the session cookie set."),
        "400": failed,
        "401": error("`unauthorized`: the ID token names no actor (its id or tenant claim is missing)."),
        "500": serverError,
        "502": error("`identity-provider-unavailable`: the provider cannot be reached; `id-token-too-large`: its ID token does not fit a cookie."),
      },
    },
  };
  paths[`${base}/logout`] = {
    get: {
      tags: ["auth"],
      summary: "Clear the session cookie and sign out at the provider (also /auth/sign-out)",
      security: [],
      parameters: [query("redirect_uri", "The page to end on: a path of this site, or a URL of its origin.")],
      responses: { "302": redirect("To the provider's end-session page, or straight to the page."), "500": serverError },
    },
  };
  return paths;
}
