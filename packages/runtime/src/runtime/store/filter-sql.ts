import { type Params, quoteIdent } from "../db/sql-text.js";
import type { AccessFilter } from "../policy.js";
import { InvalidQueryError } from "../read/errors.js";
import type { QueryField } from "../read/fields.js";
import type { Filter } from "../read/filter.js";
import { isCalendarDate, parseInstant } from "../time.js";

const COMPARISONS: Record<string, string> = { eq: "=", ne: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A uuid as PostgreSQL prints it (lower case): the only text a uuid column's `::text` equals. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A decimal filter value: at most the read-model columns' precision (1000 digits). */
const DECIMAL = /^-?\d{1,1000}(\.\d{1,1000})?$/;
const INTEGER = /^-?\d{1,19}$/;
const BIGINT_MAX = 2n ** 63n - 1n;

/** A filter tree as a SQL condition over the read-model table. */
export function filterSql(filter: Filter, params: Params): string {
  if (filter.kind === "condition") return conditionSql(filter, params);
  if (filter.items.length === 0) return filter.negated ? "FALSE" : "TRUE";
  const joined = filter.items.map((item) => `(${filterSql(item, params)})`).join(filter.kind === "and" ? " AND " : " OR ");
  return filter.negated ? `NOT (${joined})` : joined;
}

function conditionSql(condition: Extract<Filter, { kind: "condition" }>, params: Params): string {
  const { field, operator, value } = condition;
  const column = quoteIdent(field.column);
  let sql: string;
  switch (operator) {
    case "has": {
      const text = expectString(field, value);
      sql = `${column} ILIKE ${params.add(`%${escapeLike(text)}%`)} ESCAPE '\\'`;
      break;
    }
    case "in": {
      const list = listOf(field, operator, value);
      if (list.length === 0) throw invalid(field, operator, "a non-empty list");
      const items = list.map((v) => scalar(field, v));
      sql = `${column} = ANY(${params.add(items)}::${arrayCast(field)})`;
      break;
    }
    case "between": {
      const list = listOf(field, operator, value);
      if (list.length !== 2) throw invalid(field, operator, 'two values [from, to] (or "from,to")');
      sql = `${column} BETWEEN ${params.add(scalar(field, list[0]))}${cast(field)} AND ${params.add(scalar(field, list[1]))}${cast(field)}`;
      break;
    }
    case "ov": {
      const list = listOf(field, operator, value);
      // jsonb arrays of strings overlap a text[] with ?| ; other elements compare as JSON.
      sql = `${column} ?| ${params.add(list.map((v) => (typeof v === "string" ? v : JSON.stringify(v))))}::text[]`;
      break;
    }
    default: {
      if (field.kind === "array") {
        sql = `${column} = ${params.add(JSON.stringify(listOf(field, operator, value)))}::jsonb`;
        break;
      }
      if (value === null && (operator === "eq" || operator === "ne")) {
        sql = `${column} IS ${operator === "eq" ? "" : "NOT "}NULL`;
        break;
      }
      sql = `${column} ${COMPARISONS[operator] ?? "="} ${params.add(scalar(field, value))}${cast(field)}`;
    }
  }
  return condition.negated ? `NOT (${sql})` : sql;
}

/**
 * The value of an operator that takes a list (fields.ts `takesList`): a JSON list, or one
 * string of comma-separated items (what a text input sends), trimmed, empty items dropped.
 */
function listOf(field: QueryField, operator: string, value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string")
    return value
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== "");
  throw invalid(field, operator, "a list, or a comma-separated string");
}

/** A value checked against the field's kind, in the form the driver sends. */
function scalar(field: QueryField, value: unknown): string | number | boolean {
  switch (field.kind) {
    case "uuid":
      if (typeof value === "string" && UUID.test(value)) return value;
      throw invalid(field, "eq", "a UUID");
    case "number":
      return numberOf(field, value);
    case "boolean":
      // A select or a text input sends "true" / "false".
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      throw invalid(field, "eq", "true or false");
    case "date":
      if (typeof value === "string" && isCalendarDate(value)) return value;
      throw invalid(field, "eq", "a date (YYYY-MM-DD, years 0001-9999)");
    case "datetime": {
      const instant = typeof value === "string" ? parseInstant(value) : undefined;
      if (instant !== undefined) return instant;
      throw invalid(field, "eq", "an ISO 8601 date-time with a time zone (years 0001-9999), e.g. 2024-01-31T12:00:00Z");
    }
    case "enum":
      if (typeof value === "string" && (field.values ?? []).includes(value)) return value;
      throw invalid(field, "eq", `one of ${(field.values ?? []).join(", ")}`);
    default:
      return expectString(field, value);
  }
}

/** A number the column's type holds: bigint range for integers, finite for doubles, ≤ 1000 digits for decimals. */
function numberOf(field: QueryField, value: unknown): string | number {
  if (field.numeric === "integer") {
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    if (typeof value === "string" && INTEGER.test(value) && BigInt(value) <= BIGINT_MAX && BigInt(value) >= -BIGINT_MAX - 1n) return value;
    throw invalid(field, "eq", "an integer (64-bit)");
  }
  if (field.numeric === "number") {
    const n = typeof value === "number" ? value : typeof value === "string" && DECIMAL.test(value) ? Number(value) : NaN;
    if (Number.isFinite(n)) return n;
    throw invalid(field, "eq", "a finite number");
  }
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && DECIMAL.test(value)) return value;
  throw invalid(field, "eq", "a decimal (at most 1000 digits)");
}

function expectString(field: QueryField, value: unknown): string {
  if (typeof value === "string") return value;
  throw invalid(field, "eq", "a string");
}

function cast(field: QueryField): string {
  if (field.kind === "number") return field.numeric === "integer" ? "::bigint" : field.numeric === "number" ? "::double precision" : "::numeric";
  if (field.kind === "date") return "::date";
  if (field.kind === "datetime") return "::timestamptz";
  if (field.kind === "uuid") return "::uuid";
  return "";
}

function arrayCast(field: QueryField): string {
  return field.kind === "uuid" ? "uuid[]" : "text[]";
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function invalid(field: QueryField, operator: string, expected: string): InvalidQueryError {
  return new InvalidQueryError(`'${field.name}.${operator}' needs ${expected}.`, { parameter: "query", field: field.name, operator, expected });
}

/** What a policy lets the actor see, as SQL: all rows, none, or those matching a rule's `where`. */
export function accessSql(access: AccessFilter, columns: ReadonlyMap<string, QueryField>, params: Params): string | undefined {
  if (access.kind === "all") return undefined;
  if (access.kind === "none") return "FALSE";
  const alternatives = access.anyOf.map((conjunction) => {
    if (conjunction.length === 0) return "TRUE";
    return conjunction
      .map((c) => {
        const field = columns.get(c.field);
        // A rule on a field the table lacks can match nothing.
        if (!field) return "FALSE";
        const column = quoteIdent(field.column);
        if (c.equals === null) return `${column} IS NULL`;
        // Membership, as the in-memory check (policy.ts `holds`): the jsonb array contains the value.
        if (field.kind === "array") return `${column} @> ${params.add(JSON.stringify([c.equals]))}::jsonb`;
        // A uuid column (an owner, a customer: what rules compare with the actor) is compared as a
        // uuid, so its index serves the list; a value that is not a uuid's text matches no row,
        // as the text comparison below would say.
        if (field.kind === "uuid") return typeof c.equals === "string" && CANONICAL_UUID.test(c.equals) ? `${column} = ${params.add(c.equals)}::uuid` : "FALSE";
        // Otherwise as text on both sides: an actor attribute is a string whatever the column's type,
        // and an untyped parameter would be parsed as that type (an error for a date column).
        return `${column}::text = ${params.add(String(c.equals))}::text`;
      })
      .join(" AND ");
  });
  return alternatives.map((a) => `(${a})`).join(" OR ");
}
