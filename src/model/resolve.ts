import type { FieldObject, FieldSpec } from "../validate/spec.js";
import { type Constraints, type FieldInfo, isPrimitive, UNKNOWN, type ValueType } from "./types.js";

export interface TypeExpressionParts {
  readonly base: string;
  readonly array: boolean;
  readonly optional: boolean;
}

/** "Money[]?" → { base: "Money", array: true, optional: true }. The schema guarantees the shape. */
export function parseTypeExpression(text: string): TypeExpressionParts {
  const match = /^([A-Za-z][A-Za-z0-9]*)(\[\])?(\?)?$/.exec(text);
  return { base: match?.[1] ?? text, array: match?.[2] !== undefined, optional: match?.[3] !== undefined };
}

/** The keys of a field's long form that say what kind of value it is; exactly one is allowed. */
export const KIND_KEYS = ["type", "enum", "fields", "ref"] as const;

export function kindKeysOf(spec: FieldObject): (typeof KIND_KEYS)[number][] {
  return KIND_KEYS.filter((k) => spec[k] !== undefined);
}

interface Resolved {
  readonly type: ValueType;
  readonly optional: boolean;
}

/**
 * Resolves field specs against one domain's named types. Error-tolerant: an unknown type,
 * a cycle or a malformed long form resolves to UNKNOWN; the check rules report them.
 */
export class TypeResolver {
  readonly #named: ReadonlyMap<string, FieldSpec>;
  readonly #cache = new Map<string, Resolved>();
  readonly #resolving = new Set<string>();
  readonly #fieldsCache = new WeakMap<object, readonly FieldInfo[]>();

  constructor(named: ReadonlyMap<string, FieldSpec>) {
    this.#named = named;
  }

  field(name: string, spec: FieldSpec): FieldInfo {
    const { type, optional } = this.#resolve(spec);
    const info: FieldInfo = { name, type, optional, hasDefault: false, pii: false };
    if (typeof spec === "string") return info;
    return {
      ...info,
      hasDefault: spec.default !== undefined,
      ...(spec.default === undefined ? {} : { default: spec.default }),
      ...(spec.description === undefined ? {} : { description: spec.description }),
      ...(spec.label === undefined ? {} : { label: spec.label }),
      pii: spec.pii ?? false,
      ...(spec.renamedFrom === undefined ? {} : { renamedFrom: spec.renamedFrom }),
      ...(spec.index === true ? { indexed: true as const } : {}),
    };
  }

  /** Resolved fields of a fields mapping; cached, since several rules ask for the same state. */
  fields(specs: Readonly<Record<string, FieldSpec>> | undefined): readonly FieldInfo[] {
    if (specs === undefined) return [];
    let fields = this.#fieldsCache.get(specs);
    if (!fields) {
      fields = Object.entries(specs).map(([name, spec]) => this.field(name, spec));
      this.#fieldsCache.set(specs, fields);
    }
    return fields;
  }

  /** A named type, or undefined when the domain declares none by that name. */
  named(name: string): Resolved | undefined {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    const spec = this.#named.get(name);
    if (spec === undefined) return undefined;
    if (this.#resolving.has(name)) return { type: UNKNOWN, optional: false }; // a cycle: reported by recursive-type
    this.#resolving.add(name);
    const inner = this.#resolve(spec);
    this.#resolving.delete(name);
    const resolved = { type: inner.type.kind === "unknown" ? inner.type : { ...inner.type, typeName: name }, optional: inner.optional };
    this.#cache.set(name, resolved);
    return resolved;
  }

  #resolve(spec: FieldSpec): Resolved {
    if (typeof spec === "string") return this.#expression(spec, {});
    const kinds = kindKeysOf(spec);
    if (kinds.length !== 1) return { type: UNKNOWN, optional: spec.optional ?? false };
    let resolved: Resolved;
    if (spec.type !== undefined) resolved = this.#expression(spec.type, constraintsOf(spec));
    else if (spec.enum !== undefined) resolved = { type: { kind: "enum", values: spec.enum }, optional: false };
    else if (spec.fields !== undefined) resolved = { type: { kind: "object", fields: this.fields(spec.fields) }, optional: false };
    else resolved = { type: { kind: "ref", aggregate: spec.ref ?? "" }, optional: false };
    const type = spec.array === true && resolved.type.kind !== "unknown" ? { kind: "array" as const, element: resolved.type } : resolved.type;
    return { type, optional: resolved.optional || (spec.optional ?? false) };
  }

  #expression(text: string, constraints: Constraints): Resolved {
    const parts = parseTypeExpression(text);
    let base: Resolved;
    if (isPrimitive(parts.base)) base = { type: { kind: "primitive", primitive: parts.base, constraints: {} }, optional: false };
    else base = this.named(parts.base) ?? { type: UNKNOWN, optional: false };
    const constrained = withConstraints(base.type, constraints);
    const type = parts.array && constrained.kind !== "unknown" ? { kind: "array" as const, element: constrained } : constrained;
    return { type, optional: parts.optional || base.optional };
  }
}

function constraintsOf(spec: FieldObject): Constraints {
  const c: { -readonly [K in keyof Constraints]: Constraints[K] } = {};
  if (spec.minimum !== undefined) c.minimum = spec.minimum;
  if (spec.maximum !== undefined) c.maximum = spec.maximum;
  if (spec.minLength !== undefined) c.minLength = spec.minLength;
  if (spec.maxLength !== undefined) c.maxLength = spec.maxLength;
  if (spec.pattern !== undefined) c.pattern = spec.pattern;
  if (spec.scale !== undefined) c.scale = spec.scale;
  return c;
}

/** A field's own constraints refine those of its (named) type; for arrays they bind the elements. */
function withConstraints(type: ValueType, constraints: Constraints): ValueType {
  if (Object.keys(constraints).length === 0) return type;
  if (type.kind === "primitive") return { ...type, constraints: { ...type.constraints, ...constraints } };
  if (type.kind === "array") return { ...type, element: withConstraints(type.element, constraints) };
  return type;
}
