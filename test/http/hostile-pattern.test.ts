/**
 * A payload pattern with catastrophic backtracking (`^(a+)+$`) and a hostile value: the
 * server answers 422 at once instead of spinning a core, on PGlite and on PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createAuthenticator, createServer, mintToken } from "@fluvius/runtime/http";
import type { DomainDefinition, JsonSchema } from "@fluvius/runtime";
import { type Backend, pgliteBackend, postgresBackend } from "../runtime/helpers/backends.js";
import { account, bankingPolicy, payloadSchemas } from "../runtime/fixtures/banking-account.js";

const SECRET = "test-secret-of-at-least-32-characters!";

/** open-account with an extra `nickname` that must match ^(a+)+$. */
function hostileDomain(): DomainDefinition {
  const base = payloadSchemas["open-account"] as { properties: Record<string, JsonSchema>; required: string[] };
  const payloadSchema: JsonSchema = {
    type: "object",
    properties: { ...base.properties, nickname: { type: "string", pattern: "^(a+)+$" } },
    required: base.required,
    additionalProperties: false,
  };
  const definition = { ...account, actions: { ...account.actions, "open-account": { ...account.actions["open-account"], payloadSchema } } };
  return { name: "banking", revision: 1, policy: bankingPolicy, aggregates: [{ definition, title: "Account", fields: [], actions: {} }] };
}

describe.each([
  ["pglite", pgliteBackend],
  ["postgres", () => postgresBackend(2)],
] as const)("a hostile value for a catastrophic pattern on %s", (_name, open) => {
  let backend: Backend;
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    backend = await open();
    app = await createServer({
      store: backend.store,
      domains: [hostileDomain()],
      authenticate: createAuthenticator({ secret: SECRET, idClaim: "sub", tenantClaim: "tenant", rolesClaim: "roles" }),
      basePath: "/api",
    });
    token = await mintToken({ secret: SECRET, subject: "teller-1", tenant: `t-${randomUUID().slice(0, 8)}`, roles: ["teller"] });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await backend?.close();
  });

  const openAccount = (nickname: string) =>
    app.inject({
      method: "POST",
      url: "/api/banking:open-account/account/:new",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify({ customerId: randomUUID(), accountType: "checking", nickname }),
    });

  test("is refused with 422 naming the field", async () => {
    const response = await openAccount(`${"a".repeat(50_000)}!`);
    expect(response.statusCode).toBe(422);
    const body = response.json() as { errcode: string; errdata: { fields: { path: string; keyword: string }[] } };
    expect(body.errcode).toBe("invalid-payload");
    expect(body.errdata.fields.map((f) => [f.path, f.keyword])).toEqual([["nickname", "pattern"]]);
  });

  test("a value that matches is accepted", async () => {
    expect((await openAccount("a".repeat(50_000))).statusCode).toBe(200);
  });
});
