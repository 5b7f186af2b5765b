/**
 * The browser login as a Fluvius web app does it (rjs-frame: `/api/auth/login?next=…`, then
 * `/api/auth/info` and the API with the session cookie), end to end against a local OpenID
 * Connect provider (oidc-provider on 127.0.0.1): login, callback, cookie flags, CSRF on commands,
 * `/auth/info`, logout, and the ways a callback can be wrong.
 */
import { randomUUID } from "node:crypto";
import { createAuthenticator, createServer, discoverOidc } from "@fluvius/runtime/http";
import { createStore } from "@fluvius/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Browser } from "../helpers/browser-jar.js";
import { FluviusClient, HTTPError } from "../helpers/fluvius-client.js";
import { freePort, type LocalProvider, signIn, startLocalProvider } from "../helpers/oidc-provider.js";
import { type BankingApp, SECRET, startBankingApp } from "./banking-app.js";

const CLIENT_ID = "bank-web";
const COOKIE = "bank_session";
const TELLER = randomUUID();

describe("the OpenID Connect login and the session cookie", () => {
  let provider: LocalProvider;
  let api: BankingApp;
  let origin: string;
  let browser: Browser;
  let publicPort: number;

  beforeAll(async () => {
    const port = await freePort();
    publicPort = await freePort();
    origin = `http://127.0.0.1:${port}`;
    provider = await startLocalProvider({
      clientId: CLIENT_ID,
      clientSecret: "bank-web-secret",
      redirectUri: `${origin}/api/auth/callback`,
      postLogoutRedirectUri: `${origin}/signed-out`,
      publicClient: { clientId: "bank-spa", redirectUri: `http://127.0.0.1:${publicPort}/api/auth/callback` },
      claimsOf: (login) =>
        login.startsWith("no-tenant")
          ? { preferred_username: "nobody", roles: ["teller"] }
          : login.startsWith("verbose")
            ? { tenant: "bank-1", roles: ["teller"], notes: "x".repeat(5000) }
            : {
                name: "Ada Lovelace",
                preferred_username: "ada",
                email: "ada@bank.test",
                tenant: "bank-1",
                tenant_name: "First Bank",
                roles: ["teller", "admin"],
              },
    });
    const login = await discoverOidc(
      {
        issuer: provider.issuer,
        clientId: CLIENT_ID,
        clientSecret: "bank-web-secret",
        scopes: ["openid", "profile", "email", "bank"],
        afterLogin: "/",
        afterLogout: "/signed-out",
      },
      { idClaim: "sub", tenantClaim: "tenant", rolesClaim: "roles" },
    );
    api = await startBankingApp("pglite", { session: { cookieName: COOKIE, login }, tenantNameClaim: "tenant_name" });
    await api.app.listen({ port, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await api?.close();
    await provider?.close();
  });

  const signInAs = (next = "/api/banking.account/") => signIn(origin, TELLER, next);

  beforeAll(async () => {
    ({ browser } = await signInAs());
  });

  test("the login sets an HttpOnly, SameSite=Lax session cookie (not Secure on 127.0.0.1) and goes to the `next` page", async () => {
    const { browser: fresh, landed } = await signInAs("/api/banking.account/?limit=5");
    expect(landed.status).toBe(302);
    expect(landed.headers.get("location")).toBe("/api/banking.account/?limit=5");
    const session = fresh.setCookies.find((line) => line.startsWith(`${COOKIE}=`) && !line.startsWith(`${COOKIE}=;`));
    expect(session, "a Set-Cookie of the session").toBeDefined();
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Lax/i);
    expect(session).toMatch(/; Path=\//);
    expect(session).toMatch(/; Max-Age=\d+/);
    expect(session).not.toMatch(/; Secure/i);
    // The login's own cookie (state, nonce, PKCE) is for the callback only, and gone after it.
    const pending = fresh.setCookies.find((line) => line.startsWith(`${COOKIE}_login=`));
    expect(pending).toMatch(/; Path=\/api\/auth\/callback/);
    expect(pending).toMatch(/; HttpOnly/i);
    expect(fresh.cookie("127.0.0.1", `${COOKIE}_login`)).toBeUndefined();
  });

  test("a list with the cookie works; without it (and without a token) it is 401", async () => {
    const list = await browser.request(`${origin}/api/banking.account/`);
    expect(list.status, await list.clone().text()).toBe(200);
    expect(await list.json()).toMatchObject({ data: [], pagination: { total: 0 } });
    const anonymous = await new Browser().request(`${origin}/api/banking.account/`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ errcode: "unauthorized" });
  });

  test("a command with the cookie needs X-CSRF-Token: without it 403 csrf-token-required, with a wrong one 403, with the session's one 200", async () => {
    const url = `${origin}/api/banking:open-account/account/:new`;
    const body = JSON.stringify({ customerId: randomUUID(), accountType: "checking" });
    const json = { "content-type": "application/json" };
    const forged = await browser.request(url, { method: "POST", body, headers: json });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ errcode: "csrf-token-required" });
    const wrong = await browser.request(url, { method: "POST", body, headers: { ...json, "x-csrf-token": "not-this-sessions-token-not-this-sessions" } });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ errcode: "csrf-token-required" });

    const tokenReply = await browser.request(`${origin}/api/auth/csrf-token`);
    expect(tokenReply.status).toBe(200);
    const { csrf_token } = (await tokenReply.json()) as { csrf_token: string };
    const sent = await browser.request(url, { method: "POST", body, headers: { ...json, "x-csrf-token": csrf_token } });
    expect(sent.status, await sent.clone().text()).toBe(200);
    expect(await sent.json()).toMatchObject({ status: "OK", data: { account: { _creator: TELLER } } });
    // Nothing was written by the refused ones.
    const list = (await (await browser.request(`${origin}/api/banking.account/`)).json()) as { pagination: { total: number } };
    expect(list.pagination.total).toBe(1);
  });

  test("a bearer token needs no CSRF proof, and wins over the cookie (a bad one is 401 even with a good cookie)", async () => {
    const token = await api.token(randomUUID(), "bank-1", ["teller"]);
    const url = `${origin}/api/banking:open-account/account/:new`;
    const body = JSON.stringify({ customerId: randomUUID(), accountType: "savings" });
    const bearer = await browser.request(url, { method: "POST", body, headers: { "content-type": "application/json", authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(200);
    const bad = await browser.request(`${origin}/api/banking.account/`, { headers: { authorization: "Bearer not-a-token" } });
    expect(bad.status).toBe(401);
  });

  test("/auth/info shows the user's username, the organization's name and the iamroles", async () => {
    const info = await browser.request(`${origin}/api/auth/info`);
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({
      user: { _id: TELLER, username: "ada", name: "Ada Lovelace", email: "ada@bank.test" },
      organization: { _id: "bank-1", name: "First Bank" },
      realm: provider.issuer,
      roles: ["teller", "admin"],
      iamroles: ["admin"],
    });
  });

  test("the Fluvius client after a cookie login: queries with the browser's cookie, commands with X-CSRF-Token added by its processHeaders", async () => {
    const cookie = `${COOKIE}=${browser.cookie("127.0.0.1", COOKIE) ?? ""}`;
    const { csrf_token } = (await (await browser.request(`${origin}/api/auth/csrf-token`)).json()) as { csrf_token: string };
    const client = new FluviusClient(api.app, "banking", "/api", () => ({ cookie, "x-csrf-token": csrf_token }));
    const opened = await client.post("/banking:open-account/account/:new", { customerId: randomUUID(), accountType: "savings" });
    const id = (opened.data as { account: { _id: string } }).account._id;
    await client.send("deposit", { amount: "10.00" }, { path: { resource: "account", _id: id } });
    const item = await client.queryItem("account", id);
    expect(item.data).toMatchObject({ _id: id, balance: "10.00", _version: 2 });
    const list = await client.query("account", { search: { limit: 5, query: JSON.stringify({ "balance.gt": "5" }) } });
    expect((list.data as { _id: string }[]).map((row) => row._id)).toContain(id);
    // The same client without the header its processHeaders adds: refused before anything is written.
    const bare = new FluviusClient(api.app, "banking", "/api", () => ({ cookie }));
    const refused = await bare.send("deposit", { amount: "1.00" }, { path: { resource: "account", _id: id } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HTTPError);
    expect((refused as HTTPError).status).toBe(403);
    expect((refused as HTTPError).body).toMatchObject({ errcode: "csrf-token-required" });
    expect((await client.queryItem("account", id)).data).toMatchObject({ _version: 2 });
  });

  test("a `next` page on another site is not followed: the login lands on afterLogin", async () => {
    const { landed } = await signInAs("https://elsewhere.test/steal");
    expect(landed.headers.get("location")).toBe("/");
  });

  test("a callback that does not belong to a login in this browser is a 400 login-failed, never a 500", async () => {
    const noLogin = await new Browser().request(`${origin}/api/auth/callback?code=abc&state=xyz`);
    expect(noLogin.status).toBe(400);
    expect(await noLogin.json()).toMatchObject({ errcode: "login-failed" });

    const started = new Browser();
    await started.request(`${origin}/api/auth/login`);
    const wrongState = await started.request(`${origin}/api/auth/callback?code=abc&state=xyz&iss=${encodeURIComponent(provider.issuer)}`);
    expect(wrongState.status).toBe(400);
    expect(await wrongState.json()).toMatchObject({ errcode: "login-failed" });

    // The user cancels at the provider: it sends the browser back with an error and the login's state.
    const again = await started.request(`${origin}/api/auth/login`);
    const state = new URL(again.headers.get("location") ?? "").searchParams.get("state") ?? "";
    const refused = await started.request(
      `${origin}/api/auth/callback?error=access_denied&error_description=cancelled&state=${state}&iss=${encodeURIComponent(provider.issuer)}`,
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ errcode: "login-failed", errmesg: "The identity provider refused the login: cancelled." });
  });

  test("an ID token that makes no actor (no tenant) or does not fit a cookie gives no session", async () => {
    const { browser: noTenant, landed: refused } = await signIn(origin, `no-tenant-${randomUUID()}`, "/");
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ errcode: "unauthorized" });
    expect(noTenant.cookie("127.0.0.1", COOKIE)).toBeUndefined();
    // The login's cookie is used once, also by a callback that fails.
    expect(noTenant.cookie("127.0.0.1", `${COOKIE}_login`)).toBeUndefined();
    const { browser: verbose, landed: tooLarge } = await signIn(origin, `verbose-${randomUUID()}`, "/");
    expect(tooLarge.status).toBe(502);
    expect(await tooLarge.json()).toMatchObject({ errcode: "id-token-too-large" });
    expect(verbose.cookie("127.0.0.1", COOKIE)).toBeUndefined();
  });

  test("a public client (no secret) signs in with PKCE alone", async () => {
    const login = await discoverOidc(
      { issuer: provider.issuer, clientId: "bank-spa", scopes: ["openid", "bank"], afterLogin: "/", afterLogout: "/" },
      { idClaim: "sub", tenantClaim: "tenant", rolesClaim: "roles" },
    );
    const second = await createServer({
      store: createStore(api.db),
      domains: api.domains,
      authenticate: createAuthenticator({ secret: SECRET, idClaim: "sub", tenantClaim: "tenant", rolesClaim: "roles" }),
      session: { cookieName: COOKIE, login },
      basePath: "/api",
    });
    await second.listen({ port: publicPort, host: "127.0.0.1" });
    try {
      const { browser: spa, landed } = await signIn(`http://127.0.0.1:${publicPort}`, TELLER, "/api/banking.account/");
      expect(landed.status).toBe(302);
      const list = await spa.request(`http://127.0.0.1:${publicPort}/api/banking.account/`);
      expect(list.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  test("the sign-in and sign-out aliases of Fluvius lead to the same flow", async () => {
    const signInReply = await new Browser().request(`${origin}/api/auth/sign-in`);
    expect(signInReply.status).toBe(302);
    expect(signInReply.headers.get("location")).toContain(`${provider.issuer}/auth?`);
    const signOut = await new Browser().request(`${origin}/api/auth/sign-out`);
    expect(signOut.status).toBe(302);
  });

  test("logout clears the cookie and goes through the provider's end-session page with the ID token as hint", async () => {
    const { browser: leaving } = await signInAs();
    const token = leaving.cookie("127.0.0.1", COOKIE);
    expect(token).toBeDefined();
    const out = await leaving.request(`${origin}/api/auth/logout`);
    expect(out.status).toBe(302);
    const location = new URL(out.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(location.searchParams.get("id_token_hint")).toBe(token);
    expect(location.searchParams.get("post_logout_redirect_uri")).toBe(`${origin}/signed-out`);
    expect(leaving.cookie("127.0.0.1", COOKIE)).toBeUndefined();
    const after = await leaving.request(`${origin}/api/banking.account/`);
    expect(after.status).toBe(401);
  });
});
