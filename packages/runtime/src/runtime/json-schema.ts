import type { SchemaValidateFunction } from "ajv";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import formatsModule, { type FormatsPlugin } from "ajv-formats";
import { compare, isDecimal, scaleOf } from "./decimal.js";
import type { JsonSchema } from "./definition.js";
import type { PayloadIssue } from "./errors.js";
import { linearRegExp } from "./pattern.js";
import { UNSTORABLE_MESSAGE, unstorablePath } from "./text.js";

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = (formatsModule as unknown as { default: FormatsPlugin }).default;

/**
 * `x-decimal: { scale?, precision?, minimum?, maximum? }` on a string schema: a decimal string
 * with at most `scale` digits after the point and `precision` digits in all (default
 * DEFAULT_DECIMAL_PRECISION), within the bounds (exact, bounds are strings).
 * JSON Schema has no exact decimal type, so generated payload schemas use this keyword.
 */
interface DecimalKeyword {
  readonly scale?: number;
  readonly precision?: number;
  readonly minimum?: string;
  readonly maximum?: string;
}

/**
 * Digits a decimal may have in all (before and after the point, leading zeros not counted)
 * when its schema sets no `precision`: 28, as C#'s decimal, far below the read-model
 * columns' numeric(1000, scale), so sums of such values never overflow a column.
 */
export const DEFAULT_DECIMAL_PRECISION = 28;

/** Significant digits in the PostgreSQL sense: integer digits without leading zeros, plus every digit after the point. */
export function precisionOf(value: string): number {
  const [whole = "", fraction = ""] = value.replace(/^-/, "").split(".");
  return whole.replace(/^0+/, "").length + fraction.length;
}

const checkDecimal: SchemaValidateFunction = (schema: DecimalKeyword, data: string) => {
  const fail = (message: string) => {
    checkDecimal.errors = [{ keyword: "x-decimal", message, params: { ...schema } }];
    return false;
  };
  if (!isDecimal(data)) return fail('must be a decimal string such as "10.50"');
  const precision = schema.precision ?? DEFAULT_DECIMAL_PRECISION;
  if (precisionOf(data) > precision) return fail(`must have at most ${precision} digits`);
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
        properties: {
          scale: { type: "integer", minimum: 0 },
          precision: { type: "integer", minimum: 1 },
          minimum: { type: "string" },
          maximum: { type: "string" },
        },
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
    validate = instance().compile(withStorableLimits(schema) as JsonSchema);
    compiled.set(schema, validate);
  }
  const fn = validate;
  return (value) => {
    if (fn(value)) {
      const bad = unstorablePath(value);
      return bad === undefined ? [] : [{ path: bad, message: UNSTORABLE_MESSAGE, keyword: "text" }];
    }
    return (fn.errors ?? []).map((e) => ({ path: pathOf(e), message: e.message ?? "is invalid", keyword: e.keyword }));
  };
}

/**
 * The schema with the limits of what the runtime can store added where the schema sets none:
 * integers are safe JavaScript integers (the read model's bigint columns and JSON both hold
 * them exactly). A copy: generated schemas are shared, frozen values.
 */
function withStorableLimits(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withStorableLimits);
  if (schema === null || typeof schema !== "object") return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = key === "enum" || key === "const" || key === "x-decimal" ? value : withStorableLimits(value);
  if (copy["type"] === "integer") {
    copy["minimum"] ??= -Number.MAX_SAFE_INTEGER;
    copy["maximum"] ??= Number.MAX_SAFE_INTEGER;
  }
  return copy;
}
