#!/usr/bin/env node
// Part of `npm run build`: compiles schemas/domain.schema.json and config.schema.json into
// standalone validator code (dist/validate/schema-validators.cjs), so a CLI run does not
// compile them with ajv first (about 0.1 s of every `fluvius validate`). The file records a
// hash of the two schemas; src/validate/schemas.ts compiles at run time instead when it is
// missing or the schemas changed since (a development checkout between builds).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { _ } from "ajv/dist/compile/codegen/index.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import addFormats from "ajv-formats";
import { AJV_OPTIONS, EDITOR_KEYWORDS, PRECOMPILED_FILE } from "../dist/validate/ajv-options.js";
import { readSchemaTexts, schemasHash } from "../dist/validate/schemas-hash.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const texts = readSchemaTexts(root);
const domain = JSON.parse(texts.domain);
const config = JSON.parse(texts.config);

const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
// The formats' code is referenced by name in the output (see `code.formats`), not inlined.
(addFormats.default ?? addFormats)(ajv);
ajv.addVocabulary([...EDITOR_KEYWORDS]);
ajv.addSchema(domain).addSchema(config);
const code = standaloneCode.default(ajv, { domain: domain.$id, config: config.$id });
const out = path.join(root, "dist/validate", PRECOMPILED_FILE);
writeFileSync(out, `${code}\nmodule.exports.schemasHash = ${JSON.stringify(schemasHash(texts))};\n`);
console.log(`${path.relative(root, out)}: domain and config validators`);
