import type { SchemaValidateFunction } from "ajv";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import formatsModule, { type FormatsPlugin } from "ajv-formats";
import { compare, isDecimal, scaleOf } from "./decimal.js";
import type { JsonSchema } from "./definition.js";
import type { PayloadIssue } from "./errors.js";
import { linearRegExp } from "./pattern.js";

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = (formatsModule as unknown as { default: FormatsPlugin }).default;

/**
 * `x-decimal: { scale?, minimum?, maximum? }` on a string schema: a decimal string with at
 * most `scale` digits after the point, within the bounds (exact, bounds are strings).
 * JSON Schema has no exact decimal type, so generated payload schemas use this keyword.
 */
interface DecimalKeyword {
  readonly scale?: number;
  readonly minimum?: string;
  readonly maximum?: string;
}

const checkDecimal: SchemaValidateFunction = (schema: DecimalKeyword, data: string) => {
  const fail = (message: string) => {
    checkDecimal.errors = [{ keyword: "x-decimal", message, params: { ...schema } }];
    return false;
  };
  if (!isDecimal(data)) return fail('must be a decimal string such as "10.50"');
  if (schema.scale !== undefined && scaleOf(data) > schema.scale) return fail(`must have at most ${schema.scale} digits after the point`);
  if (schema.minimum !== undefined && compare(data, schema.minimum) < 0) return fail(`must be >= ${schema.minimum}`);
  if (schema.maximum !== undefined && compare(data, schema.maximum) > 0) return fail(`must be <= ${schema.maximum}`);
  return true;
};

let ajv: Ajv2020 | undefined;

function instance(): Ajv2020 {
  if (!ajv) {
    // Patterns come from specs: matched in linear time, never by a backtracking RegExp.
    ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, code: { regExp: linearRegExp } });
    addFormats(ajv);
    ajv.addKeyword({
      keyword: "x-decimal",
      type: "string",
      schemaType: "object",
      metaSchema: {
        type: "object",
        properties: { scale: { type: "integer", minimum: 0 }, minimum: { type: "string" }, maximum: { type: "string" } },
        additionalProperties: false,
      },
      validate: checkDecimal,
    });
  }
  return ajv;
}

const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function pathOf(error: ErrorObject): string {
  const segments = error.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const params = error.params as Record<string, unknown>;
  const extra = params["missingProperty"] ?? params["additionalProperty"] ?? params["propertyName"];
  if (typeof extra === "string") segments.push(extra);
  return segments.join(".");
}

/** Compiles once per schema object (compiling is ajv's expensive part); returns the issues, [] when valid. */
export function validatorFor(schema: JsonSchema): (value: unknown) => PayloadIssue[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = instance().compile(schema);
    compiled.set(schema, validate);
  }
  const fn = validate;
  return (value) => (fn(value) ? [] : (fn.errors ?? []).map((e) => ({ path: pathOf(e), message: e.message ?? "is invalid", keyword: e.keyword })));
}
