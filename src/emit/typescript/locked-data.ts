import type { Fields, Shape } from "../../breaking/shape.js";
import { propertyName } from "./type-expression.js";

/**
 * The TypeScript type of an event version's data as the event lock recorded it: what an
 * upcaster of that version reads. Structural (the lock keeps no type names); `json` is
 * `unknown`, the honest type of data written long ago.
 */
export function lockedDataType(fields: Fields): string {
  const entries = Object.entries(fields);
  if (entries.length === 0) return "Record<string, never>";
  return `{ ${entries.map(([name, f]) => (f.optional ? `readonly ${propertyName(name)}?: ${shapeType(f)} | undefined;` : `readonly ${propertyName(name)}: ${shapeType(f)};`)).join(" ")} }`;
}

function shapeType(shape: Shape): string {
  switch (shape.type) {
    case "enum":
      return shape.values.map((v) => JSON.stringify(v)).join(" | ");
    case "ref":
      return "string";
    case "array": {
      const element = shapeType(shape.of);
      return /[ |&]/.test(element) ? `readonly (${element})[]` : `readonly ${element}[]`;
    }
    case "object":
      return lockedDataType(shape.fields);
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "json":
    case "unknown":
      return "unknown";
    default:
      return "string";
  }
}
