import Big from "big.js";
import { describeActual } from "../validate/map-errors.js";
import { type Constraints, describeType, type ValueType } from "../model/types.js";
import { checkPattern } from "@fluvius/runtime/internal/runtime/pattern";

const DECIMAL = /^-?\d+(\.\d+)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isDecimalString(value: unknown): value is string {
  return typeof value === "string" && DECIMAL.test(value);
}

/** Digits after the point of a decimal string. */
export function scaleOf(decimal: string): number {
  return decimal.split(".")[1]?.length ?? 0;
}

/**
 * Why `value` is not a valid value of `type`, or undefined when it is. Used for defaults
 * and for literals in apply, when and where, so they all follow one set of rules.
 */
export function valueProblem(value: unknown, type: ValueType, optional: boolean): string | undefined {
  if (value === null) return optional ? undefined : "null is only allowed for an optional field";
  switch (type.kind) {
    case "unknown":
      return undefined;
    case "enum":
      return typeof value === "string" && type.values.includes(value)
        ? undefined
        : `${describeActual(value)} is not one of ${type.values.map((v) => `'${v}'`).join(", ")}`;
    case "ref":
      return typeof value === "string" && UUID.test(value) ? undefined : `a reference is a UUID, not ${describeActual(value)}`;
    case "array": {
      if (!Array.isArray(value)) return `expected a list, found ${describeActual(value)}`;
      for (const [i, item] of value.entries()) {
        const problem = valueProblem(item, type.element, false);
        if (problem) return `item ${i + 1}: ${problem}`;
      }
      return undefined;
    }
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return `expected a mapping, found ${describeActual(value)}`;
      const record = value as Record<string, unknown>;
      const known = new Set(type.fields.map((f) => f.name));
      const extra = Object.keys(record).find((k) => !known.has(k));
      if (extra !== undefined) return `'${extra}' is not a field of ${describeType(type)}`;
      for (const field of type.fields) {
        if (record[field.name] === undefined) {
          if (!field.optional) return `field '${field.name}' is missing`;
          continue;
        }
        const problem = valueProblem(record[field.name], field.type, field.optional);
        if (problem) return `field '${field.name}': ${problem}`;
      }
      return undefined;
    }
    case "primitive":
      return primitiveProblem(value, type.primitive, type.constraints);
  }
}

function primitiveProblem(value: unknown, primitive: string, c: Constraints): string | undefined {
  const expected = (what: string) => `expected ${what}, found ${describeActual(value)}`;
  switch (primitive) {
    case "json":
      return undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : expected("true or false");
    case "integer":
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return expected(primitive === "integer" ? "an integer" : "a number");
      if (primitive === "integer" && !Number.isInteger(value)) return expected("an integer");
      return boundsProblem(new Big(value), c);
    case "decimal":
      if (!isDecimalString(value)) {
        return typeof value === "number"
          ? `a decimal is written as a string so it stays exact, e.g. "${value.toFixed(c.scale ?? 2)}"`
          : expected('a decimal string such as "0.00"');
      }
      if (c.scale !== undefined && scaleOf(value) > c.scale) return `"${value}" has more than ${c.scale} digits after the point`;
      return boundsProblem(new Big(value), c);
    case "uuid":
      return typeof value === "string" && UUID.test(value) ? undefined : expected("a UUID");
    case "date":
      return typeof value === "string" && isValidDate(value) ? undefined : expected("a date (YYYY-MM-DD)");
    case "datetime":
      return typeof value === "string" && DATETIME.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : expected("an ISO 8601 date-time with a time zone, e.g. 2024-01-31T12:00:00Z");
    case "email":
      return typeof value === "string" && EMAIL.test(value) ? stringProblem(value, c) : expected("an email address");
    case "url":
      return typeof value === "string" && URL.canParse(value) ? stringProblem(value, c) : expected("an absolute URL");
    default:
      return typeof value === "string" ? stringProblem(value, c) : expected("a string");
  }
}

function stringProblem(value: string, c: Constraints): string | undefined {
  if (c.minLength !== undefined && value.length < c.minLength) return `'${value}' is shorter than ${c.minLength} characters`;
  if (c.maxLength !== undefined && value.length > c.maxLength) return `'${value}' is longer than ${c.maxLength} characters`;
  if (c.pattern !== undefined && matchesPattern(c.pattern, value) === false) return `'${value}' does not match the pattern ${c.pattern}`;
  return undefined;
}

function boundsProblem(value: Big, c: Constraints): string | undefined {
  const min = toBig(c.minimum);
  const max = toBig(c.maximum);
  if (min && value.lt(min)) return `${value.toString()} is below the minimum ${min.toString()}`;
  if (max && value.gt(max)) return `${value.toString()} is above the maximum ${max.toString()}`;
  return undefined;
}

export function toBig(bound: number | string | undefined): Big | undefined {
  if (typeof bound === "number" && Number.isFinite(bound)) return new Big(bound);
  if (isDecimalString(bound)) return new Big(bound);
  return undefined;
}

/** Linear time, whatever the pattern and the value; undefined for a pattern refused elsewhere. */
function matchesPattern(pattern: string, value: string): boolean | undefined {
  const check = checkPattern(pattern);
  return check.ok ? check.pattern.test(value) : undefined;
}

function isValidDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.getUTCDate() === Number(m[3]) && d.getUTCMonth() + 1 === Number(m[2]);
}
