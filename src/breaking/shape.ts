import type { Constraints, FieldInfo, Primitive, ValueType } from "../model/types.js";

/**
 * The shape of a payload or state as `fluvius breaking` compares it and the event lock stores
 * it: types by structure (a named type is what it stands for), plain JSON, keys sorted when
 * written. Descriptions, labels and defaults' values do not matter to stored data.
 */
export type Shape =
  | { readonly type: Primitive; readonly constraints?: Constraints }
  | { readonly type: "enum"; readonly values: readonly string[] }
  | { readonly type: "ref"; readonly aggregate: string }
  | { readonly type: "array"; readonly of: Shape }
  | { readonly type: "object"; readonly fields: Fields }
  | { readonly type: "unknown" };

export type FieldShape = Shape & { readonly optional?: true; readonly default?: true };
export type Fields = Readonly<Record<string, FieldShape>>;

export function shapeOf(type: ValueType): Shape {
  switch (type.kind) {
    case "primitive":
      return Object.keys(type.constraints).length === 0 ? { type: type.primitive } : { type: type.primitive, constraints: type.constraints };
    case "enum":
      return { type: "enum", values: [...type.values] };
    case "ref":
      return { type: "ref", aggregate: type.aggregate };
    case "array":
      return { type: "array", of: shapeOf(type.element) };
    case "object":
      return { type: "object", fields: fieldsOf(type.fields) };
    case "unknown":
      return { type: "unknown" };
  }
}

export function fieldsOf(fields: readonly FieldInfo[]): Fields {
  const out: Record<string, FieldShape> = {};
  for (const f of fields) {
    out[f.name] = {
      ...shapeOf(f.type),
      ...(f.optional ? { optional: true as const } : {}),
      ...(f.hasDefault ? { default: true as const } : {}),
    };
  }
  return out;
}

/** What differs between two versions of some data, one finding per field concerned. */
export interface DataChange {
  readonly kind: "removed" | "retyped" | "required" | "enum-value-removed" | "narrowed";
  /** The field's path, e.g. ["lines", "sku"]. */
  readonly path: readonly string[];
  readonly detail: string;
}

/**
 * How `next` reads data written (events) or sent (commands) as `old`:
 * - `stored`: old events are read with the new type. A field removed, retyped, made required
 *   (or added as required without a default) or an enum value removed breaks them.
 *   Constraints do not matter: stored data is not validated again.
 * - `sent`: old clients send old payloads. The same, and a narrowed constraint too.
 */
export function compareFields(old: Fields, next: Fields, mode: "stored" | "sent", path: readonly string[] = []): DataChange[] {
  const changes: DataChange[] = [];
  // A rename (`renamedFrom`) is a removal here too: stored events and old clients spell the old name.
  for (const [name, was] of Object.entries(old)) {
    const now = Object.hasOwn(next, name) ? next[name] : undefined;
    const at = [...path, name];
    if (now === undefined) {
      changes.push({ kind: "removed", path: at, detail: `field '${at.join(".")}' was removed` });
      continue;
    }
    if (was.optional === true && now.optional !== true && now.default !== true) {
      changes.push({ kind: "required", path: at, detail: `field '${at.join(".")}' was optional and is now required` });
    }
    changes.push(...compareShapes(was, now, mode, at));
  }
  for (const [name, now] of Object.entries(next)) {
    if (Object.hasOwn(old, name)) continue;
    if (now.optional !== true && now.default !== true) {
      const at = [...path, name];
      changes.push({ kind: "required", path: at, detail: `field '${at.join(".")}' is new and required (without a default)` });
    }
  }
  return changes;
}

/** Widenings that read old values unchanged. */
const WIDER: Readonly<Partial<Record<Primitive, readonly Primitive[]>>> = {
  integer: ["number", "decimal"],
  string: ["text"],
  text: ["string"],
  email: ["string", "text"],
  url: ["string", "text"],
  uuid: ["string", "text"],
  date: ["string", "text"],
  datetime: ["string", "text"],
};

export function compareShapes(was: Shape, now: Shape, mode: "stored" | "sent", path: readonly string[]): DataChange[] {
  const name = path.join(".");
  const retyped = (): DataChange[] => [{ kind: "retyped", path, detail: `field '${name}' was ${describe(was)} and is now ${describe(now)}` }];
  if (was.type === "unknown" || now.type === "unknown") return [];
  if (was.type === "enum" && now.type === "enum") {
    const removed = was.values.filter((v) => !now.values.includes(v));
    return removed.length === 0
      ? []
      : [{ kind: "enum-value-removed", path, detail: `field '${name}' no longer allows ${removed.map((v) => `'${v}'`).join(", ")}` }];
  }
  if (was.type === "array" && now.type === "array") return compareShapes(was.of, now.of, mode, path);
  if (was.type === "object" && now.type === "object") return compareFields(was.fields, now.fields, mode, path);
  if (was.type === "ref" && now.type === "ref") return was.aggregate === now.aggregate ? [] : retyped();
  if (was.type === "ref" && (now.type === "uuid" || now.type === "string")) return [];
  if (was.type === now.type) {
    if (mode === "stored" || !isPrimitiveShape(was) || !isPrimitiveShape(now)) return [];
    return narrowed(was.constraints ?? {}, now.constraints ?? {}, path);
  }
  if (isPrimitiveShape(was) && isPrimitiveShape(now) && (WIDER[was.type] ?? []).includes(now.type)) return [];
  return retyped();
}

function isPrimitiveShape(shape: Shape): shape is { readonly type: Primitive; readonly constraints?: Constraints } {
  return !["enum", "ref", "array", "object", "unknown"].includes(shape.type);
}

/** A constraint that refuses what it accepted before (a payload an old client sends). */
function narrowed(was: Constraints, now: Constraints, path: readonly string[]): DataChange[] {
  const name = path.join(".");
  const out: string[] = [];
  const num = (v: number | string | undefined) => (v === undefined ? undefined : Number(v));
  const lower = (a: number | undefined, b: number | undefined) => b !== undefined && (a === undefined || b > a);
  const upper = (a: number | undefined, b: number | undefined) => b !== undefined && (a === undefined || b < a);
  if (lower(num(was.minimum), num(now.minimum))) out.push(`minimum ${String(now.minimum)}`);
  if (upper(num(was.maximum), num(now.maximum))) out.push(`maximum ${String(now.maximum)}`);
  if (lower(was.minLength, now.minLength)) out.push(`minLength ${String(now.minLength)}`);
  if (upper(was.maxLength, now.maxLength)) out.push(`maxLength ${String(now.maxLength)}`);
  if (now.scale !== undefined && (was.scale === undefined || now.scale < was.scale)) out.push(`scale ${now.scale}`);
  if (now.pattern !== undefined && now.pattern !== was.pattern) out.push(`pattern ${now.pattern}`);
  return out.length === 0 ? [] : [{ kind: "narrowed", path, detail: `field '${name}' now requires ${out.join(", ")}` }];
}

function describe(shape: Shape): string {
  switch (shape.type) {
    case "enum":
      return `enum (${shape.values.join(", ")})`;
    case "ref":
      return `ref to ${shape.aggregate}`;
    case "array":
      return `${describe(shape.of)}[]`;
    default:
      return shape.type;
  }
}
