/** Built-in field types of the spec language. */
export const PRIMITIVES = ["string", "text", "integer", "number", "decimal", "boolean", "uuid", "date", "datetime", "email", "url", "json"] as const;
export type Primitive = (typeof PRIMITIVES)[number];

export function isPrimitive(name: string): name is Primitive {
  return (PRIMITIVES as readonly string[]).includes(name);
}

export const NUMERIC_PRIMITIVES: ReadonlySet<Primitive> = new Set(["integer", "number", "decimal"]);
export const STRING_PRIMITIVES: ReadonlySet<Primitive> = new Set(["string", "text", "email", "url"]);

export interface Constraints {
  /** Decimal bounds are kept as strings so they stay exact. */
  readonly minimum?: number | string;
  readonly maximum?: number | string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly scale?: number;
}

/** A resolved type. `typeName` records the named type it came from, for generated code. */
export type ValueType =
  | { readonly kind: "primitive"; readonly primitive: Primitive; readonly constraints: Constraints; readonly typeName?: string }
  | { readonly kind: "enum"; readonly values: readonly string[]; readonly typeName?: string }
  | { readonly kind: "object"; readonly fields: readonly FieldInfo[]; readonly typeName?: string }
  | { readonly kind: "ref"; readonly aggregate: string; readonly typeName?: string }
  | { readonly kind: "array"; readonly element: ValueType; readonly typeName?: string }
  /** A reference that did not resolve; it matches anything so one mistake is reported once. */
  | { readonly kind: "unknown" };

export interface FieldInfo {
  readonly name: string;
  readonly type: ValueType;
  readonly optional: boolean;
  readonly hasDefault: boolean;
  readonly default?: unknown;
  readonly description?: string;
  readonly label?: string;
  readonly pii: boolean;
  readonly renamedFrom?: string;
  /** `index: true`: its table indexes it (state and view fields; the check stage refuses it elsewhere). */
  readonly indexed?: true;
}

export const UNKNOWN: ValueType = { kind: "unknown" };

/** How a type reads in messages: "decimal", "Money (decimal)", "string[]", "enum (open, closed)". */
export function describeType(type: ValueType): string {
  const base = describeStructure(type);
  return "typeName" in type && type.typeName !== undefined && type.typeName !== base ? `${type.typeName} (${base})` : base;
}

function describeStructure(type: ValueType): string {
  switch (type.kind) {
    case "primitive":
      return type.primitive;
    case "enum":
      return `enum (${type.values.join(", ")})`;
    case "object":
      return "object";
    case "ref":
      return `ref to ${type.aggregate}`;
    case "array":
      return `${describeType(type.element)}[]`;
    case "unknown":
      return "unknown";
  }
}
