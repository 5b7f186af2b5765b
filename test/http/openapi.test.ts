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
  expect(Object.keys(deposit?.responses ?? {}).sort()).toEqual([
    "200",
    "400",
    "401",
    "403",
    "404",
    "409",
    "412",
    "413",
    "414",
    "415",
    "422",
    "431",
    "500",
    "501",
    "503",
  ]);
});

test("the 413 and 415 the document promises for commands are what the server answers, in the error envelope", async () => {
  const token = await api.token("teller-1", "acme", ["teller"]);
  const url = "/api/banking:open-account/account/:new";
  const big = await api.app.inject({
    method: "POST",
    url,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    payload: `{"x":"${"a".repeat(1024 * 1024 + 10)}"}`,
  });
  expect(big.statusCode).toBe(413);
  expect(big.json()).toMatchObject({ errcode: "bad-request", errmesg: expect.any(String), errdata: {} });
  const text = await api.app.inject({
    method: "POST",
    url,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/xml" },
    payload: "<hello/>",
  });
  expect(text.statusCode).toBe(415);
  expect(text.json()).toMatchObject({ errcode: "bad-request", errmesg: expect.any(String), errdata: {} });
});
