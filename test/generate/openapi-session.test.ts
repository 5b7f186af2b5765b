/**
 * With a browser session in fluvius.yaml the OpenAPI document offers the cookie as a second
 * security scheme and lists the `/auth/…` routes; without one it has neither (the goldens prove
 * those documents are unchanged).
 */
import path from "node:path";
import { describe, expect, test } from "vitest";
import { fixturesRoot } from "../helpers/fixtures.js";
import { filesUnder, fixtureProject, generateInto } from "../helpers/generate.js";
import { openApiProblems } from "../helpers/openapi.js";

type Json = Record<string, unknown>;

async function documentWith(config: string): Promise<Json> {
  const host = fixtureProject(path.join(fixturesRoot, "valid", "banking"), { "fluvius.yaml": `specs: [spec/**/*.yaml]\n${config}` });
  const plan = await generateInto(host);
  expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return JSON.parse(filesUnder(host, "src").get("generated/openapi.json") ?? "{}") as Json;
}

describe("the browser session in the OpenAPI document", () => {
  test("auth.oidc: the cookie scheme, either scheme for the API, and the login routes without security; valid OpenAPI 3.1", async () => {
    const document = await documentWith("auth:\n  oidc: { issuer: 'https://id.bank.test/realms/bank', clientId: bank-web }\n");
    expect(await openApiProblems(document)).toBeUndefined();
    const components = document.components as { securitySchemes: Record<string, Json> };
    expect(components.securitySchemes.session).toMatchObject({ type: "apiKey", in: "cookie", name: "id_token" });
    expect(String(components.securitySchemes.session?.description)).toContain("X-CSRF-Token");
    expect(document.security).toEqual([{ bearer: [] }, { session: [] }]);
    const paths = document.paths as Record<string, Record<string, Json>>;
    for (const route of ["login", "callback", "logout"]) {
      const get = paths[`/api/auth/${route}`]?.get;
      expect(get, route).toBeDefined();
      expect(get?.security, route).toEqual([]);
      expect(Object.keys(get?.responses as Json), route).toContain("302");
    }
    expect(paths["/api/auth/csrf-token"]?.get?.security).toEqual([{ session: [] }]);
  });

  test("auth.cookie alone: the scheme and /auth/csrf-token, no login routes", async () => {
    const document = await documentWith("auth:\n  cookie: { name: bank_session }\n");
    expect(await openApiProblems(document)).toBeUndefined();
    expect((document.components as { securitySchemes: Record<string, Json> }).securitySchemes.session).toMatchObject({ name: "bank_session" });
    const paths = Object.keys(document.paths as Json);
    expect(paths).toContain("/api/auth/csrf-token");
    expect(paths).not.toContain("/api/auth/login");
  });

  test("no session: neither the scheme nor the routes", async () => {
    const document = await documentWith("");
    expect((document.components as { securitySchemes: Json }).securitySchemes).not.toHaveProperty("session");
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(document.paths as Json).filter((p) => p.startsWith("/api/auth/"))).toEqual(["/api/auth/info"]);
  });
});
