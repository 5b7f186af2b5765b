/**
 * `fluvius serve` with fluvius.yaml `auth.oidc`: it reads the provider at start (and stops with
 * the reason when it cannot, or when the client secret's variable is not set), says where to
 * sign in, and a browser login through it reaches the API.
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { freePort, type LocalProvider, signIn, startLocalProvider } from "../helpers/oidc-provider.js";
import { type BuiltProject, buildProject } from "../helpers/project.js";
import { startServe } from "../helpers/serve.js";

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

const oidcConfig = (issuer: string, secretEnv = "BANK_OIDC_SECRET") =>
  `auth:\n  tenantNameClaim: tenant_name\n  cookie: { name: bank_session }\n  oidc:\n    issuer: ${issuer}\n    clientId: bank-web\n    clientSecretEnv: ${secretEnv}\n    scopes: [profile, bank]\n`;

describe("fluvius serve with auth.oidc", () => {
  let provider: LocalProvider;
  let project: BuiltProject;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    provider = await startLocalProvider({
      clientId: "bank-web",
      clientSecret: "cli-secret",
      redirectUri: `http://127.0.0.1:${port}/api/auth/callback`,
      postLogoutRedirectUri: `http://127.0.0.1:${port}/`,
      claimsOf: () => ({ preferred_username: "grace", tenant: "bank-2", tenant_name: "Second Bank", roles: ["teller"] }),
    });
    project = buildProject("banking");
    const migrated = runCli(["migrate", "up"], { cwd: project.dir });
    expect(migrated.status, migrated.stderr).toBe(0);
  });
  afterAll(async () => {
    await provider?.close();
  });

  test("stops with the reason when the client secret's variable is not set, or the provider cannot be reached", async () => {
    writeFileSync(path.join(project.dir, "fluvius.yaml"), oidcConfig(provider.issuer, "NOT_SET_ANYWHERE"));
    const unset = runCli(["serve", "--port", "0"], { cwd: project.dir });
    expect(unset.status).toBe(1);
    expect(unset.stderr).toContain("NOT_SET_ANYWHERE, which is not set");

    writeFileSync(path.join(project.dir, "fluvius.yaml"), oidcConfig(`http://127.0.0.1:${await freePort()}`));
    const down = runCli(["serve", "--port", "0"], { cwd: project.dir, env: { BANK_OIDC_SECRET: "cli-secret" } });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain("cannot read the OpenID Connect provider");
  }, 120_000);

  test("says where to sign in; the login through it reaches /auth/info and a command with the CSRF token", async () => {
    writeFileSync(path.join(project.dir, "fluvius.yaml"), oidcConfig(provider.issuer));
    const server = await serve(project.dir, port);
    // The line after "listening on".
    await expect.poll(() => server.output(), { timeout: 5_000 }).toContain(`sign in: ${server.url}/api/auth/login`);
    const login = randomUUID();
    const { browser, landed } = await signIn(server.url, login, "/api/auth/info");
    expect(landed.headers.get("location")).toBe("/api/auth/info");
    expect(landed.headers.getSetCookie().some((c) => c.startsWith("bank_session="))).toBe(true);
    const info = await browser.request(`${server.url}/api/auth/info`);
    expect(await info.json()).toMatchObject({
      user: { _id: login, username: "grace" },
      organization: { _id: "bank-2", name: "Second Bank" },
      roles: ["teller"],
      iamroles: [],
    });
    const { csrf_token } = (await (await browser.request(`${server.url}/api/auth/csrf-token`)).json()) as { csrf_token: string };
    const opened = await browser.request(`${server.url}/api/banking:open-account/account/:new`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf_token },
      body: JSON.stringify({ customerId: randomUUID(), accountType: "checking" }),
    });
    expect(opened.status, await opened.clone().text()).toBe(200);
  }, 120_000);
});

function serve(cwd: string, port: number) {
  return startServe(cwd, ["--port", String(port)], { BANK_OIDC_SECRET: "cli-secret" }, running);
}
