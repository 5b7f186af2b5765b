import type { ValueType } from "./types.js";

const STRINGLIKE = new Set(["string", "text", "email", "url", "uuid"]);

/**
 * Whether a value of type `source` can be stored where `target` is expected without a
 * conversion or a loss: the same kind, a narrower string (an email into a string), an
 * integer into a number, a decimal with no more digits after the point.
 */
export function assignable(source: ValueType, target: ValueType): boolean {
  if (source.kind === "unknown" || target.kind === "unknown") return true;
  if (target.kind === "primitive" && target.primitive === "json") return true;
  if (source.typeName !== undefined && source.typeName === target.typeName) return true;
  switch (target.kind) {
    case "primitive": {
      if (source.kind === "enum") return target.primitive === "string" || target.primitive === "text";
      if (source.kind === "ref") return target.primitive === "uuid";
      if (source.kind !== "primitive") return false;
      const s = source.primitive;
      const t = target.primitive;
      if (s === t) {
        if (t !== "decimal" || target.constraints.scale === undefined) return true;
        return source.constraints.scale !== undefined && source.constraints.scale <= target.constraints.scale;
      }
      if (t === "number") return s === "integer";
      if (t === "string" || t === "text") return STRINGLIKE.has(s);
      return false;
    }
    case "enum":
      return source.kind === "enum" && source.values.every((v) => target.values.includes(v));
    case "ref":
      return (source.kind === "ref" && source.aggregate === target.aggregate) || (source.kind === "primitive" && source.primitive === "uuid");
    case "array":
      return source.kind === "array" && assignable(source.element, target.element);
    case "object": {
      if (source.kind !== "object") return false;
      const fields = new Map(source.fields.map((f) => [f.name, f]));
      if (source.fields.some((f) => !target.fields.some((t) => t.name === f.name))) return false;
      return target.fields.every((t) => {
        const f = fields.get(t.name);
        if (!f) return t.optional;
        return assignable(f.type, t.type) && (t.optional || !f.optional);
      });
    }
  }
}
