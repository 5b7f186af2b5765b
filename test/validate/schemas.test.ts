import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { repoRoot } from "../helpers/fixtures.js";

type Schema = { [key: string]: unknown };

/** Every key a user can write must carry a description: editors show it on hover. */
function undocumentedKeys(schema: Schema, defs: Record<string, Schema>, where: string, seen = new Set<string>()): string[] {
  const missing: string[] = [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [key, sub] of Object.entries(properties)) {
    const target = typeof sub.$ref === "string" ? (defs[sub.$ref.replace("#/$defs/", "")] ?? {}) : {};
    if (typeof sub.description !== "string" && typeof target.description !== "string") missing.push(`${where}.${key}`);
    missing.push(...undocumentedKeys(sub, defs, `${where}.${key}`, seen));
  }
  for (const [name, def] of Object.entries(defs)) {
    if (seen.has(name)) continue;
    seen.add(name);
    missing.push(...undocumentedKeys(def, defs, `$defs.${name}`, seen));
  }
  return missing;
}

test.each(["domain.schema.json", "config.schema.json"])("every key of %s has a description", (name) => {
  const schema = JSON.parse(readFileSync(path.join(repoRoot, "schemas", name), "utf8")) as Schema;
  expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  expect(undocumentedKeys(schema, (schema.$defs ?? {}) as Record<string, Schema>, "")).toEqual([]);
});
