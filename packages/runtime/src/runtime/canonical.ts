import { isUuid } from "./actor.js";
import { isDecimal, normalise } from "./decimal.js";
import type { JsonSchema } from "./definition.js";

/**
 * The one spelling of a value, by the JSON Schema generated code hands the runtime, so a
 * command's reply, the item and the list row say the same bytes (the read model stores
 * `numeric(p, scale)`, `timestamptz`, `uuid` and `jsonb`, which print in one way only):
 *
 * - a decimal with a scale (`x-decimal.scale`): exactly that many digits ("5" → "5.00");
 * - a `date-time`: UTC with milliseconds ("…T10:00:00+01:00" → "…T09:00:00.000Z");
 * - a `uuid`: lower case;
 * - an object: its keys in the order PostgreSQL's jsonb keeps them (shorter first, then
 *   bytewise), so an object read back from the event log or the read model is the same;
 * - inside objects and arrays, the same, all the way down. `date` stays YYYY-MM-DD.
 *
 * Applied to a payload once it is valid and to the events a handler returns, before they
 * are recorded. A value the schema does not describe is left as it is.
 */
export function canonicalValue(schema: JsonSchema | undefined, value: unknown): unknown {
  if (schema === undefined) return value;
  if (typeof value === "string") return canonicalString(schema, value);
  if (Array.isArray(value)) {
    const items = schema["items"];
    return isSchema(items) ? value.map((v) => canonicalValue(items, v)) : value;
  }
  if (value !== null && typeof value === "object") {
    const properties = schema["properties"];
    if (!isSchema(properties)) return value;
    const source = value as Readonly<Record<string, unknown>>;
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort(jsonbKeyOrder)) {
      const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
      result[key] = canonicalValue(isSchema(property) ? property : undefined, source[key]);
    }
    return result;
  }
  return value;
}

function canonicalString(schema: JsonSchema, value: string): string {
  const decimal = schema["x-decimal"];
  if (isSchema(decimal) && typeof decimal["scale"] === "number" && isDecimal(value)) return normalise(value, decimal["scale"]);
  const format = schema["format"];
  if (format === "uuid" && isUuid(value)) return value.toLowerCase();
  if (format === "date-time") {
    // A leap second (…:60) is valid RFC 3339 that Date cannot hold; PostgreSQL reads it as
    // the next second, and so does this.
    const leap = /:60(?=(\.\d+)?([Zz]|[+-]\d))/.test(value);
    const time = leap ? Date.parse(value.replace(/:60(?=(\.\d+)?([Zz]|[+-]\d))/, ":59")) + 1000 : Date.parse(value);
    if (!Number.isNaN(time)) return new Date(time).toISOString();
  }
  return value;
}

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** jsonb's key order: by length in bytes, then bytewise. */
function jsonbKeyOrder(a: string, b: string): number {
  return Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b));
}
