import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ValidateFunction } from "ajv/dist/2020.js";
import type { FormatsPlugin } from "ajv-formats";
import { AJV_OPTIONS, EDITOR_KEYWORDS, PRECOMPILED_FILE } from "./ajv-options.js";
import { readSchemaTexts, type SchemaTexts, schemasHash } from "./schemas-hash.js";

const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

const require = createRequire(import.meta.url);

interface Validators {
  readonly domain: ValidateFunction;
  readonly config: ValidateFunction;
}

/**
 * The validators `npm run build` precompiled (scripts/compile-schemas.mjs), when they exist
 * and were made from the schemas as they are now; running from sources (tests) or after a
 * schema edit without a build, there are none and ajv compiles them here.
 */
function precompiled(texts: SchemaTexts): Validators | undefined {
  try {
    const loaded = require(`./${PRECOMPILED_FILE}`) as Validators & { schemasHash?: string };
    return loaded.schemasHash === schemasHash(texts) ? loaded : undefined;
  } catch {
    return undefined;
  }
}

/** ajv itself is only loaded here (both packages are CommonJS), so a precompiled run never pays for it. */
function compileNow(texts: SchemaTexts): Validators {
  const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const addFormats = (require("ajv-formats") as { default: FormatsPlugin }).default;
  const ajv = new Ajv2020({ ...AJV_OPTIONS });
  ajv.addVocabulary([...EDITOR_KEYWORDS]);
  addFormats(ajv);
  return { domain: ajv.compile(JSON.parse(texts.domain) as object), config: ajv.compile(JSON.parse(texts.config) as object) };
}

let loaded: (Validators & { readonly precompiled: boolean }) | undefined;

/** Loaded (or compiled) once per process: compiling is the expensive part of ajv. */
export function schemas() {
  if (!loaded) {
    const texts = readSchemaTexts(packageRoot);
    const ready = precompiled(texts);
    loaded = { ...(ready ?? compileNow(texts)), precompiled: ready !== undefined };
  }
  return loaded;
}
