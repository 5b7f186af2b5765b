/** The document a running server serves at /openapi.json is valid OpenAPI 3.1. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { openApiProblems } from "../helpers/openapi.js";
import { type BankingApp, startBankingApp } from "./banking-app.js";

let api: BankingApp;
beforeAll(async () => {
  api = await startBankingApp("pglite");
}, 120_000);
afterAll(async () => api?.close());

test("GET /openapi.json is valid OpenAPI 3.1 and documents the errors of a command", async () => {
  const response = await api.app.inject({ method: "GET", url: "/openapi.json" });
  expect(response.statusCode).toBe(200);
  const document = response.json() as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  expect(document.openapi).toBe("3.1.0");
  expect(await openApiProblems(document)).toBeUndefined();
  const deposit = document.paths["/api/banking:deposit/account/{id}"]?.post;
  expect(Object.keys(deposit?.responses ?? {}).sort()).toEqual(["200", "400", "401", "403", "404", "409", "412", "413", "415", "422", "500", "501", "503"]);
});
