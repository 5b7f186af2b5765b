import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { CsrfError } from "../errors.js";
import { sessionTokenOf } from "./cookie.js";

/** The header a cookie-authenticated command must carry. */
export const CSRF_HEADER = "x-csrf-token";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The CSRF token of a session: a hash of the session cookie's value. Another site's page can
 * make the browser send the cookie but can read neither the cookie (HttpOnly) nor our replies
 * (no CORS), so it cannot know this value; a token per session needs no server-side state,
 * and every replica computes the same one.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHash("sha256").update("fluvius-csrf\0").update(sessionToken).digest("base64url");
}

/**
 * Refuses an unsafe request that the session cookie would authenticate unless it proves it
 * comes from our own pages. A request with `Authorization` is not authenticated by the cookie
 * (the header wins), and another site cannot set that header, so it needs no proof.
 */
export function checkCsrf(request: FastifyRequest, cookieName: string): void {
  if (!UNSAFE_METHODS.has(request.method) || request.headers.authorization !== undefined) return;
  const session = sessionTokenOf(request, cookieName);
  if (session === undefined) return;
  const sent = request.headers[CSRF_HEADER];
  const expected = Buffer.from(csrfTokenOf(session));
  const given = Buffer.from(typeof sent === "string" ? sent : "");
  if (given.length === expected.length && timingSafeEqual(given, expected)) return;
  throw new CsrfError(
    sent === undefined
      ? "A request authenticated by the session cookie needs the X-CSRF-Token header; read its value from GET …/auth/csrf-token."
      : "The X-CSRF-Token header does not belong to this session; read it again from GET …/auth/csrf-token.",
  );
}
