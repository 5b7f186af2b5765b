/** fluvius.yaml `auth.cookie` and `auth.oidc`: defaults, and the mistakes reported as diagnostics. */
import { describe, expect, test } from "vitest";
import { DiagnosticCollector } from "../../src/diagnostics/collector.js";
import { memoryHost } from "../../src/host/memory-host.js";
import { loadConfig } from "../../src/load/config.js";

async function load(yaml: string) {
  const diagnostics = new DiagnosticCollector();
  const config = await loadConfig(memoryHost({ "fluvius.yaml": yaml }), diagnostics);
  const codes = diagnostics.sorted().map((d) => `${d.range.start.line}:${d.range.start.column} ${d.code}`);
  return { config, codes, messages: diagnostics.sorted().map((d) => d.message) };
}

describe("auth.cookie and auth.oidc in fluvius.yaml", () => {
  test("without either, there is no browser session", async () => {
    const { config, codes } = await load("auth: { tenantClaim: org }\n");
    expect(codes).toEqual([]);
    expect(config?.auth.cookieName).toBeUndefined();
    expect(config?.auth.oidc).toBeUndefined();
  });

  test("a cookie alone: its name, or Fluvius's id_token by default", async () => {
    expect((await load("auth: { cookie: { name: bank_session } }\n")).config?.auth.cookieName).toBe("bank_session");
    expect((await load("auth: { cookie: {} }\n")).config?.auth.cookieName).toBe("id_token");
  });

  test("oidc: the cookie comes with it; openid is always asked for; defaults for the pages after login and logout", async () => {
    const { config, codes } = await load(
      "auth:\n  oidc:\n    issuer: https://id.bank.test/realms/bank\n    clientId: bank-web\n    clientSecretEnv: BANK_OIDC_SECRET\n    publicUrl: https://bank.test/\n    scopes: [profile, bank]\n",
    );
    expect(codes).toEqual([]);
    expect(config?.auth.cookieName).toBe("id_token");
    expect(config?.auth.oidc).toEqual({
      issuer: "https://id.bank.test/realms/bank",
      clientId: "bank-web",
      clientSecretEnv: "BANK_OIDC_SECRET",
      publicUrl: "https://bank.test",
      scopes: ["openid", "profile", "bank"],
      afterLogin: "/",
      afterLogout: "/",
    });
  });

  test("plain http is accepted on localhost only (insecure-auth-url at the value)", async () => {
    expect((await load("auth:\n  oidc: { issuer: 'http://127.0.0.1:8080/realms/dev', clientId: web, publicUrl: 'http://localhost:3000' }\n")).codes).toEqual(
      [],
    );
    const { config, codes, messages } = await load("auth:\n  oidc:\n    issuer: http://id.bank.test\n    clientId: web\n    publicUrl: http://bank.test\n");
    expect(config).toBeUndefined();
    expect(codes).toEqual(["3:13 insecure-auth-url", "5:16 insecure-auth-url"]);
    expect(messages[0]).toContain("auth.oidc.issuer 'http://id.bank.test'");
  });

  test("shape mistakes are schema diagnostics: a missing clientId, an unknown key, a cookie name with a space, an absolute afterLogin", async () => {
    for (const yaml of [
      "auth:\n  oidc: { issuer: 'https://id.bank.test' }\n",
      "auth:\n  oidc: { issuer: 'https://id.bank.test', clientId: web, clientSecret: hunter2 }\n",
      "auth:\n  cookie: { name: 'my session' }\n",
      "auth:\n  oidc: { issuer: 'https://id.bank.test', clientId: web, afterLogin: '//elsewhere.test/' }\n",
    ]) {
      const { config, codes } = await load(yaml);
      expect(config, yaml).toBeUndefined();
      expect(codes.length, yaml).toBeGreaterThan(0);
    }
  });
});
