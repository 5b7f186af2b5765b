import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyRequest } from "fastify";
import { isLoopbackHost } from "./loopback.js";

/** The session cookie's value, when the request has one (an empty cookie counts as none). */
export function sessionTokenOf(request: FastifyRequest, cookieName: string): string | undefined {
  const value = request.cookies[cookieName];
  return value === undefined || value === "" ? undefined : value;
}

/**
 * The flags of our cookies: never readable by scripts, sent on top-level navigations from other
 * sites (the provider's redirect back) but not on their sub-requests, and Secure unless the
 * browser talks to this machine (then http is fine, and a Secure cookie would be dropped by some browsers).
 */
export function cookieFlags(publicHost: string, path: string): CookieSerializeOptions {
  return { httpOnly: true, sameSite: "lax", secure: !isLoopbackHost(publicHost), path };
}
