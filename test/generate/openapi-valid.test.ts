/**
 * The generated OpenAPI document is valid OpenAPI 3.1 for every valid fixture (checked by
 * @apidevtools/swagger-parser, which tools such as code generators use), and it documents
 * every status an operation can answer, with the shape of its `errdata`.
 */
import { describe, expect, test } from "vitest";
import { fixtureCases } from "../helpers/fixtures.js";
import { filesUnder, fixtureProject, generateInto } from "../helpers/generate.js";
import { openApiProblems } from "../helpers/openapi.js";

type Json = Record<string, unknown>;

async function documentOf(dir: string, config?: string): Promise<Json> {
  const host = fixtureProject(dir, config === undefined ? {} : { "fluvius.yaml": config });
  const plan = await generateInto(host);
  expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const text = filesUnder(host, "src").get("generated/openapi.json");
  expect(text, "src/generated/openapi.json is generated").toBeDefined();
  return JSON.parse(text!) as Json;
}

function operations(document: Json): { path: string; method: string; operation: Json }[] {
  return Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
}

const statuses = (operation: Json) => Object.keys(operation.responses as Json).sort();

describe("the OpenAPI document of every valid fixture", () => {
  test.each(fixtureCases("valid"))("$name: is valid OpenAPI 3.1", async ({ dir }) => {
    const document = await documentOf(dir);
    expect(document.openapi).toBe("3.1.0");
    expect(await openApiProblems(document)).toBeUndefined();
    for (const name of Object.keys((document.components as { schemas: Json }).schemas)) expect(name).toMatch(/^[a-zA-Z0-9._-]+$/);
  });

  test.each(fixtureCases("valid"))("$name: documents every status an operation can answer", async ({ dir }) => {
    const document = await documentOf(dir);
    for (const { path, method, operation } of operations(document)) {
      const answered = statuses(operation);
      const where = `${method.toUpperCase()} ${path}: ${answered.join(" ")}`;
      expect(answered, where).toContain("500");
      if (path.includes("/_meta")) continue;
      expect(answered, where).toContain("401");
      if (path.endsWith("/auth/info")) continue;
      // Everything past the token reads the database, which may be unreachable.
      for (const status of ["400", "403", "503"]) expect(answered, where).toContain(status);
      if (method === "post") {
        for (const status of ["409", "413", "415", "422", "501"]) expect(answered, where).toContain(status);
        if (!path.endsWith("/:new")) for (const status of ["404", "412"]) expect(answered, where).toContain(status);
      } else if (path.endsWith("{id}") || path.endsWith("_events")) {
        expect(answered, where).toContain("404");
      }
    }
  });

  test.each(fixtureCases("valid"))("$name: /_meta needs no token, lists document their query, commands their headers", async ({ dir }) => {
    const document = await documentOf(dir);
    for (const { path, method, operation } of operations(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (path.includes("/_meta")) expect(operation.security, `${where} has no lock`).toEqual([]);
      else expect(operation.security, `${where} keeps the bearer scheme`).toBeUndefined();
      const parameters = (operation.parameters ?? []) as Json[];
      if (String(operation.operationId).startsWith("list.")) {
        const query = parameters.find((p) => p.name === "query")!;
        expect(() => JSON.parse(String(query.example)), `${where}: the query example is JSON`).not.toThrow();
        expect(String(query.description), where).toContain("- `_id` (uuid): eq, in, ne");
        expect(
          parameters.map((p) => p.name),
          where,
        ).toEqual(["limit", "page", "sort", "query", "text", "include", "exclude"]);
        expect(String(parameters.find((p) => p.name === "text")!.description), where).toMatch(/search|matches nothing/);
      }
      if (method === "post")
        expect(parameters, where).toEqual(
          expect.arrayContaining([{ $ref: "#/components/parameters/Idempotency-Key" }, { $ref: "#/components/parameters/X-Correlation-Id" }]),
        );
    }
    const bearer = (document.components as { securitySchemes: Record<string, Json> }).securitySchemes.bearer!;
    expect(bearer.description).toContain("fluvius token --sub <id> --tenant <tenant> --role <role>");
  });

  test('with api.basePath "" the paths have no prefix', async () => {
    const [first] = fixtureCases("valid");
    const document = await documentOf(first!.dir, 'specs: [spec/**/*.yaml]\napi: { basePath: "" }\n');
    const paths = Object.keys(document.paths as Json);
    expect(paths).toContain("/_meta");
    expect(paths.filter((p) => p.startsWith("/api/"))).toEqual([]);
    expect(await openApiProblems(document)).toBeUndefined();
  });

  test("each error status names its errcodes and the shape of their errdata", async () => {
    const [first] = fixtureCases("valid");
    const document = await documentOf(first!.dir);
    const responses = (document.components as { responses: Record<string, Json> }).responses;
    const errcodesOf = (status: string): string[] => {
      const response = responses[`Error${status}`];
      expect(response, `components.responses.Error${status}`).toBeDefined();
      const schema = ((response!.content as Json)["application/json"] as { schema: Json }).schema;
      const variants = (schema.anyOf as Json[] | undefined) ?? [schema];
      return variants.flatMap((v) => {
        const resolved = v.$ref ? (document.components as { schemas: Record<string, Json> }).schemas[String(v.$ref).split("/").pop()!]! : v;
        const errcode = (resolved.properties as Record<string, Json>).errcode!;
        expect((resolved.properties as Json).errdata, `errdata of ${status}`).toBeDefined();
        return (errcode.enum as string[] | undefined) ?? (errcode.const === undefined ? ["(any)"] : [String(errcode.const)]);
      });
    };
    expect(errcodesOf("400")).toEqual(expect.arrayContaining(["invalid-query", "invalid-header", "invalid-json", "invalid-argument"]));
    expect(errcodesOf("403")).toContain("forbidden");
    expect(errcodesOf("422")).toEqual(expect.arrayContaining(["invalid-payload", "idempotency-key-reused"]));
    expect(errcodesOf("500")).toContain("internal-error");
    expect(errcodesOf("501")).toContain("handler-not-implemented");
    expect(errcodesOf("503")).toContain("database-unavailable");
    expect(responses.Error503!.headers, "503 documents Retry-After").toHaveProperty("Retry-After");
    // The payload issues are sent as errdata.fields (docs/http.md says so too).
    const invalidPayload = (document.components as { schemas: Record<string, Json> }).schemas["Error.invalid-payload"];
    expect((invalidPayload?.properties as Record<string, Json>).errdata!.properties as Json).toHaveProperty("fields");
  });
});
