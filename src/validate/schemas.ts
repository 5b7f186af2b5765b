import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import formatsModule, { type FormatsPlugin } from "ajv-formats";

/** The schemas ship in the package's schemas/ folder (editors read them too). */
function loadSchema(name: string): Record<string, unknown> {
  const url = new URL(`../../schemas/${name}`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), "utf8")) as Record<string, unknown>;
}

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = (formatsModule as unknown as { default: FormatsPlugin }).default;

let compiled: { domain: ValidateFunction; config: ValidateFunction; domainSchema: Record<string, unknown>; configSchema: Record<string, unknown> } | undefined;

/** Compiled once per process: compiling is the expensive part of ajv. */
export function schemas() {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    addFormats(ajv);
    const domainSchema = loadSchema("domain.schema.json");
    const configSchema = loadSchema("config.schema.json");
    compiled = { domain: ajv.compile(domainSchema), config: ajv.compile(configSchema), domainSchema, configSchema };
  }
  return compiled;
}
