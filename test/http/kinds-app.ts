import path from "node:path";
import { repoRoot } from "../helpers/fixtures.js";
import { buildProject } from "../helpers/project.js";
import { type BankingApp, startApp } from "./banking-app.js";

/** The `kinds` test project (test/http/specs/kinds): one aggregate with a state field of every kind. */
export function startKindsApp(backend: "pglite" | "postgres"): Promise<BankingApp> {
  return startApp(backend, buildProject("kinds", undefined, path.join(repoRoot, "test/http/specs/kinds")));
}

export type Json = Record<string, unknown>;

/** A JSON request through Fastify's inject, answering the status and the parsed body. */
export async function call(app: BankingApp, method: "GET" | "POST", url: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await app.app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, body: response.json() as Json };
}
