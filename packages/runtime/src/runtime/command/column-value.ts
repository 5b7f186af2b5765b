import { isUuid } from "../actor.js";
import type { ColumnKind } from "../definition.js";
import { parseInstant } from "../time.js";

/**
 * A URL segment as a value of a unique column, or undefined when no row can hold it (so the
 * lookup answers 404 instead of the database refusing the cast). Only kinds a unique field
 * can have; the check stage refuses arrays, objects and json.
 */
export function columnValue(kind: ColumnKind, text: string): string | number | boolean | undefined {
  switch (kind) {
    case "integer":
      return /^-?\d{1,16}$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;
    case "number":
    case "decimal":
      return /^-?\d+(\.\d+)?$/.test(text) ? text : undefined;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : undefined;
    case "uuid":
    case "ref":
      return isUuid(text) ? text : undefined;
    case "date": {
      // Round-tripped, so 2024-02-30 (which Date rolls over to March) is refused.
      const day = new Date(`${text}T00:00:00Z`);
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text) ? text : undefined;
    }
    case "datetime":
      return parseInstant(text) === undefined ? undefined : text;
    case "object":
    case "array":
    case "json":
      return undefined;
    default:
      return text;
  }
}
