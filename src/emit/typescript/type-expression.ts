import type { FieldModel } from "../../model/model.js";
import type { ValueType } from "../../model/types.js";
import { type Doc, group, ifBreak, indent, join, line, print, unionDoc } from "../print.js";

/**
 * The TypeScript type of a value. Named types keep their name (imported from types.ts);
 * decimals are strings (exact), refs are the referenced aggregate's id (a UUID string).
 * Printed flat (for a place that fits it); `typeDoc` lays it out by width.
 */
export function typeExpression(type: ValueType, useNames = true): string {
  return print(group(typeDoc(type, useNames)), { at: -10_000 });
}

/** The TypeScript type of a value, as a doc that breaks (a long union, an object type) when it does not fit. */
/**
 * The type of an optional property: `T | undefined`, so code that passes an optional value on
 * (`phone: payload.phone`) compiles under `exactOptionalPropertyTypes` too.
 */
export function optionalTypeDoc(type: ValueType): Doc {
  const named = "typeName" in type && type.typeName !== undefined;
  if (!named && type.kind === "enum") return unionDoc([...type.values.map((v) => JSON.stringify(v)), "undefined"]);
  return unionDoc([typeDoc(type), "undefined"]);
}

export function typeDoc(type: ValueType, useNames = true): Doc {
  if (useNames && "typeName" in type && type.typeName !== undefined) return type.typeName;
  switch (type.kind) {
    case "primitive":
      return primitiveType(type.primitive);
    case "enum":
      return unionDoc(type.values.map((v) => JSON.stringify(v)));
    case "ref":
      return "string";
    case "array": {
      const element = typeDoc(type.element);
      const flat = typeExpression(type.element);
      return /[ |&]/.test(flat) && !flat.startsWith("{") ? ["(", element, ")[]"] : [element, "[]"];
    }
    case "object":
      return objectTypeDoc(type.fields);
    case "unknown":
      return "unknown";
  }
}

/** `{ a: string; b?: number }` flat, else one member per line, each ending in `;`. */
export function typeLiteralDoc(members: readonly Doc[]): Doc {
  if (members.length === 0) return "{}";
  return group(["{", indent([line, join([";", line], members)]), ifBreak(";"), line, "}"]);
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
  return print(group(objectTypeDoc(fields)), { at: -10_000 });
}

function objectTypeDoc(fields: readonly FieldModel[]): Doc {
  if (fields.length === 0) return "Record<string, never>";
  return typeLiteralDoc(fields.map((f) => [`${propertyName(f.name)}${f.optional ? "?" : ""}: `, typeDoc(f.type)]));
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
