/**
 * `npm run build` precompiles the spec and config schemas (scripts/compile-schemas.mjs) so the
 * CLI does not compile them on every run. The precompiled validators must judge every fixture
 * exactly as ajv compiling the schemas at run time does (the path the sources take).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { load } from "js-yaml";
import { describe, expect, test } from "vitest";
import { schemas } from "../../src/validate/schemas.js";
import { readSchemaTexts, schemasHash } from "../../src/validate/schemas-hash.js";
import { fixturesRoot, repoRoot } from "../helpers/fixtures.js";

const precompiledPath = path.join(repoRoot, "dist/validate/schema-validators.cjs");
const precompiled = createRequire(import.meta.url)(precompiledPath) as { domain: ValidateFunction; config: ValidateFunction; schemasHash: string };

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return yamlFiles(file);
    return /\.ya?ml$/.test(name) ? [file] : [];
  });
}

function parsed(file: string): unknown {
  try {
    return load(readFileSync(file, "utf8"));
  } catch {
    return undefined; // not YAML at all: a parse-stage fixture, nothing for the schema
  }
}

const verdict = (validate: ValidateFunction, value: unknown) => {
  const ok = validate(value);
  const errors = (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`);
  return { ok, errors };
};

describe("precompiled schema validators (dist)", () => {
  test("were made from the schemas as they are now", () => {
    expect(precompiled.schemasHash).toBe(schemasHash(readSchemaTexts(repoRoot)));
  });

  test("judge every fixture spec and config exactly as validators compiled at run time", () => {
    const runtime = schemas();
    expect(runtime.precompiled).toBe(false); // from the sources: compiled here
    const files = yamlFiles(fixturesRoot).filter((f) => !f.includes(`${path.sep}expected${path.sep}`));
    expect(files.length).toBeGreaterThan(50);
    let invalid = 0;
    for (const file of files) {
      const value = parsed(file);
      if (value === undefined) continue;
      const isConfig = path.basename(file) === "fluvius.yaml";
      const [a, b] = isConfig ? [runtime.config, precompiled.config] : [runtime.domain, precompiled.domain];
      const expected = verdict(a, value);
      expect(verdict(b, value), path.relative(repoRoot, file)).toEqual(expected);
      if (!expected.ok) invalid++;
    }
    expect(invalid).toBeGreaterThanOrEqual(5); // the schema-stage fixtures really were rejected
  });
});
