import type { FastifyRequest } from "fastify";
import type { Authenticated, Authenticator } from "../auth.js";
import { UnauthorizedError } from "../errors.js";
import { sessionTokenOf } from "./cookie.js";
import type { SessionOptions } from "./session.js";

/** Who sends the request: by its `Authorization` header or by its session cookie. */
export type RequestAuthenticator = (request: FastifyRequest) => Promise<Authenticated>;

/**
 * `Authorization: Bearer` when the request has the header (then the cookie is ignored, also
 * when the header's token is bad: a client that sends one means it); else the session cookie.
 */
export function requestAuthenticator(bearer: Authenticator, session: SessionOptions | undefined): RequestAuthenticator {
  if (session === undefined) return (request) => bearer(request.headers.authorization);
  const verifyCookie = session.verify ?? session.login?.verify ?? bearer;
  const hint = session.login === undefined ? "" : " or sign in at …/auth/login";
  return async (request) => {
    if (request.headers.authorization !== undefined) return bearer(request.headers.authorization);
    const token = sessionTokenOf(request, session.cookieName);
    if (token === undefined) throw new UnauthorizedError(`Send \`Authorization: Bearer <token>\`${hint}.`);
    try {
      return await verifyCookie(`Bearer ${token}`);
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      throw new UnauthorizedError(
        `The session cookie has ended or is not valid. ${error.message}${session.login === undefined ? "" : " Sign in again at …/auth/login."}`,
      );
    }
  };
}
