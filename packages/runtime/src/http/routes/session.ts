import type { FastifyInstance } from "fastify";
import { UnauthorizedError } from "../errors.js";
import type { RequestContext } from "../server.js";
import { sessionTokenOf } from "../session/cookie.js";
import { csrfTokenOf } from "../session/csrf.js";
import { LoginFlow } from "../session/login-flow.js";
import type { SessionOptions } from "../session/session.js";

/**
 * The browser session's routes under `{basePath}/auth/`: `csrf-token` always; with a login,
 * `login` (alias `sign-in`), `callback` and `logout` (alias `sign-out`), as Fluvius names them.
 */
export function registerSession(app: FastifyInstance, session: SessionOptions, context: RequestContext): void {
  const base = `${context.basePath}/auth`;
  app.get(`${base}/csrf-token`, async (request) => {
    const token = sessionTokenOf(request, session.cookieName);
    if (token === undefined) throw new UnauthorizedError("There is no session cookie: a CSRF token belongs to a browser session.");
    // Only a session that still verifies gets its token.
    await context.authenticate(request);
    return { csrf_token: csrfTokenOf(token) };
  });
  const login = session.login;
  if (login === undefined) return;
  const flow = new LoginFlow(login, session.cookieName, base);
  for (const path of ["login", "sign-in"]) app.get(`${base}/${path}`, (request, reply) => flow.start(request, reply));
  app.get(`${base}/callback`, (request, reply) => flow.finish(request, reply));
  for (const path of ["logout", "sign-out"]) app.get(`${base}/${path}`, (request, reply) => flow.end(request, reply));
}
