import type { FieldModel } from "../../model/model.js";
import type { ValueType } from "../../model/types.js";

export type JsonSchemaObject = { [key: string]: unknown };

/**
 * JSON Schema (2020-12) of a value, as the runtime validates payloads and events with it.
 * Decimals are strings with the runtime's `x-decimal` keyword (JSON Schema has no exact
 * decimal); bounds stay strings.
 */
export function schemaOf(type: ValueType): JsonSchemaObject {
  switch (type.kind) {
    case "primitive":
      return primitiveSchema(type);
    case "enum":
      return { type: "string", enum: [...type.values] };
    case "ref":
      return { type: "string", format: "uuid" };
    case "array":
      return { type: "array", items: schemaOf(type.element) };
    case "object":
      return objectSchema(type.fields);
    case "unknown":
      return {};
  }
}

export function objectSchema(fields: readonly FieldModel[]): JsonSchemaObject {
  const properties: Record<string, JsonSchemaObject> = {};
  for (const field of fields) {
    properties[field.name] = field.description ? { ...schemaOf(field.type), description: field.description } : schemaOf(field.type);
  }
  return {
    type: "object",
    properties,
    required: fields.filter((f) => !f.optional).map((f) => f.name),
    additionalProperties: false,
  };
}

function primitiveSchema(type: Extract<ValueType, { kind: "primitive" }>): JsonSchemaObject {
  const c = type.constraints;
  const strings = {
    ...(c.minLength === undefined ? {} : { minLength: c.minLength }),
    ...(c.maxLength === undefined ? {} : { maxLength: c.maxLength }),
    ...(c.pattern === undefined ? {} : { pattern: c.pattern }),
  };
  const numbers = {
    ...(c.minimum === undefined ? {} : { minimum: Number(c.minimum) }),
    ...(c.maximum === undefined ? {} : { maximum: Number(c.maximum) }),
  };
  switch (type.primitive) {
    case "string":
    case "text":
      return { type: "string", ...strings };
    case "email":
      return { type: "string", format: "email", ...strings };
    case "url":
      return { type: "string", format: "uri", ...strings };
    case "uuid":
      return { type: "string", format: "uuid" };
    case "date":
      return { type: "string", format: "date" };
    case "datetime":
      return { type: "string", format: "date-time" };
    case "boolean":
      return { type: "boolean" };
    case "integer":
      return { type: "integer", ...numbers };
    case "number":
      return { type: "number", ...numbers };
    case "decimal": {
      const decimal = {
        ...(c.scale === undefined ? {} : { scale: c.scale }),
        ...(c.minimum === undefined ? {} : { minimum: String(c.minimum) }),
        ...(c.maximum === undefined ? {} : { maximum: String(c.maximum) }),
      };
      return { type: "string", "x-decimal": decimal };
    }
    case "json":
      return {};
  }
}
