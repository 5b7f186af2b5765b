import type { FieldModel } from "../../model/model.js";
import type { ValueType } from "../../model/types.js";

/**
 * The TypeScript type of a value. Named types keep their name (imported from types.ts);
 * decimals are strings (exact), refs are the referenced aggregate's id (a UUID string).
 */
export function typeExpression(type: ValueType, useNames = true): string {
  if (useNames && "typeName" in type && type.typeName !== undefined) return type.typeName;
  switch (type.kind) {
    case "primitive":
      return primitiveType(type.primitive);
    case "enum":
      return type.values.map((v) => JSON.stringify(v)).join(" | ");
    case "ref":
      return "string";
    case "array": {
      const element = typeExpression(type.element);
      return /[ |&]/.test(element) ? `(${element})[]` : `${element}[]`;
    }
    case "object":
      return objectType(type.fields);
    case "unknown":
      return "unknown";
  }
}

function primitiveType(primitive: string): string {
  switch (primitive) {
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "json":
      return "JsonValue";
    default:
      return "string";
  }
}

/** `{ a: string; b?: number }`, fields in spec order. */
export function objectType(fields: readonly FieldModel[]): string {
  if (fields.length === 0) return "Record<string, never>";
  return `{ ${fields.map((f) => `${propertyName(f.name)}${f.optional ? "?" : ""}: ${typeExpression(f.type)};`).join(" ")} }`;
}

/** A property key as TypeScript accepts it. */
export function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** A one-line doc comment of a field: its description and what the type does not say. */
export function fieldDoc(field: FieldModel): string | undefined {
  const notes: string[] = [];
  if (field.description) notes.push(field.description);
  let type = field.type;
  while (type.kind === "array") type = type.element;
  if (type.kind === "primitive") {
    const c = type.constraints;
    if (type.primitive === "decimal") notes.push(`decimal${c.scale === undefined ? "" : `, scale ${c.scale}`}`);
    else if (!["string", "integer", "number", "boolean", "json"].includes(type.primitive)) notes.push(type.primitive);
  }
  if (type.kind === "ref") notes.push(`id of a ${type.aggregate}`);
  if (field.pii) notes.push("personal data");
  return notes.length === 0 ? undefined : notes.join("; ").replace(/\*\//g, "*\\/");
}
