/** @fluvius/runtime/http: the HTTP API (Fastify) over generated domains and the runtime. */
export { createServer, type ServerOptions } from "./server.js";
export type { BuildInfo } from "./meta/app-meta.js";
export { actorFrom, createAuthenticator, mintToken, type Authenticated, type AuthOptions, type Authenticator, type TokenRequest } from "./auth.js";
export { CsrfError, InvalidHeaderError, UnauthorizedError, wireErrorOf } from "./errors.js";
export { InvalidQueryError } from "../runtime/read/errors.js";
export { listRequestOf, pagination, type ListParameters } from "./query/list-query.js";
export { discoverOidc, type OidcSettings } from "./session/oidc.js";
export { CSRF_HEADER, csrfTokenOf } from "./session/csrf.js";
export type { OidcLogin, SessionOptions } from "./session/session.js";
export type { LiveOptions } from "./live/hub.js";
