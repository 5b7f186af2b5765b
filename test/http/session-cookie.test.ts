/**
 * The session cookie without a login flow (a gateway or another app sets it): which credential
 * wins, what an empty or expired cookie means, the CSRF check, and `next` pages that are refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { FastifyInstance } from "fastify";
import { createAuthenticator, mintToken } from "@fluvius/runtime/internal/http/auth";
import { safeNext } from "@fluvius/runtime/internal/http/session/login-flow";
import { createServer } from "@fluvius/runtime/internal/http/server";
import { csrfTokenOf } from "@fluvius/runtime/internal/http/session/csrf";
import { isLoopbackHost } from "@fluvius/runtime/internal/http/session/loopback";
import type { EventStore } from "@fluvius/runtime/internal/runtime/store/types";

const secret = "a-secret-of-at-least-thirty-two-bytes!!";
const names = { idClaim: "sub", tenantClaim: "tenant", rolesClaim: "roles" };
// No route here reaches the store.
const noStore = {} as EventStore;

describe("the session cookie", () => {
  let app: FastifyInstance;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    app = await createServer({
      store: noStore,
      domains: [],
      authenticate: createAuthenticator({ secret, ...names }),
      session: { cookieName: "sid" },
      basePath: "/api",
    });
    alice = await mintToken({ secret, subject: "alice", tenant: "acme", roles: ["admin"] });
    bob = await mintToken({ secret, subject: "bob", tenant: "acme", roles: [] });
  });
  afterAll(() => app.close());

  const info = (headers: Record<string, string>) => app.inject({ method: "GET", url: "/api/auth/info", headers });

  test("authenticates a request that has no Authorization header", async () => {
    const reply = await info({ cookie: `other=1; sid=${alice}` });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ user: { _id: "alice", username: "alice" }, organization: { _id: "acme", name: "acme" }, iamroles: ["admin"] });
  });

  test("Authorization wins over the cookie, also when its token is bad", async () => {
    expect((await info({ cookie: `sid=${alice}`, authorization: `Bearer ${bob}` })).json()).toMatchObject({ user: { _id: "bob" } });
    const bad = await info({ cookie: `sid=${alice}`, authorization: "Bearer nonsense" });
    expect(bad.statusCode).toBe(401);
  });

  test("an empty cookie is no session; an expired one is 401 saying the session ended", async () => {
    const empty = await info({ cookie: "sid=" });
    expect(empty.statusCode).toBe(401);
    expect(empty.json().errmesg).toMatch(/Authorization: Bearer/);
    const expired = await mintToken({ secret, subject: "alice", tenant: "acme", roles: [], expiresIn: "-1m" });
    const reply = await info({ cookie: `sid=${expired}` });
    expect(reply.statusCode).toBe(401);
    expect(reply.json()).toMatchObject({ errcode: "unauthorized" });
    expect(reply.json().errmesg).toMatch(/^The session cookie has ended or is not valid\. The token is not valid: .*exp/);
  });

  test("an unsafe request with the cookie needs the session's X-CSRF-Token; with Authorization or without a cookie it needs none", async () => {
    const post = (headers: Record<string, string>) => app.inject({ method: "POST", url: "/api/anything", headers });
    const forged = await post({ cookie: `sid=${alice}` });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ errcode: "csrf-token-required", errdata: {} });
    expect((await post({ cookie: `sid=${alice}`, "x-csrf-token": csrfTokenOf(bob) })).statusCode).toBe(403);
    // Past the check, the route table answers (there is no such route).
    expect((await post({ cookie: `sid=${alice}`, "x-csrf-token": csrfTokenOf(alice) })).statusCode).toBe(404);
    expect((await post({ cookie: `sid=${alice}`, authorization: `Bearer ${alice}` })).statusCode).toBe(404);
    expect((await post({})).statusCode).toBe(404);
    // Safe methods are never checked.
    expect((await info({ cookie: `sid=${alice}` })).statusCode).toBe(200);
  });

  test("GET /auth/csrf-token gives the session's token, and 401 without a (valid) session", async () => {
    const reply = await app.inject({ method: "GET", url: "/api/auth/csrf-token", headers: { cookie: `sid=${alice}` } });
    expect(reply.json()).toEqual({ csrf_token: csrfTokenOf(alice) });
    expect((await app.inject({ method: "GET", url: "/api/auth/csrf-token" })).statusCode).toBe(401);
    expect((await app.inject({ method: "GET", url: "/api/auth/csrf-token", headers: { cookie: "sid=forged" } })).statusCode).toBe(401);
  });

  test("without a login flow there are no login routes", async () => {
    expect((await app.inject({ method: "GET", url: "/api/auth/login" })).statusCode).toBe(404);
  });
});

describe("pages to go to after login and logout", () => {
  const origin = "https://bank.test";
  test("a path or a URL of our own origin is kept; another site, a protocol-relative or a backslash path is refused", () => {
    expect(safeNext("/accounts?x=1", origin)).toBe("/accounts?x=1");
    expect(safeNext("https://bank.test/accounts", origin)).toBe("https://bank.test/accounts");
    for (const bad of ["https://elsewhere.test/", "//elsewhere.test/", "/\\elsewhere.test", "javascript:alert(1)", "accounts", `/${"x".repeat(2001)}`]) {
      expect(safeNext(bad, origin), bad).toBeUndefined();
    }
  });

  test("loopback host names are this machine; others are not", () => {
    for (const host of ["localhost", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1"]) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["bank.test", "10.0.0.1", "localhost.bank.test", "127.0.0.1.bank.test"]) expect(isLoopbackHost(host), host).toBe(false);
  });
});
