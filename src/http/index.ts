/** fluvius/http: the HTTP API (Fastify) over generated domains and the runtime. */
export { createServer, type ServerOptions } from "./server.js";
export type { BuildInfo } from "./meta/app-meta.js";
export { actorFrom, createAuthenticator, mintToken, type Authenticated, type AuthOptions, type Authenticator, type TokenRequest } from "./auth.js";
export { InvalidHeaderError, UnauthorizedError, wireErrorOf } from "./errors.js";
export { InvalidQueryError } from "./query/errors.js";
export { buildListQuery, pagination, type ListParameters } from "./query/list-query.js";
