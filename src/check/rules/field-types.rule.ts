import { didYouMean } from "../../diagnostics/suggest.js";
import { kindKeysOf, parseTypeExpression } from "../../model/resolve.js";
import { describeType, isPrimitive, NUMERIC_PRIMITIVES, PRIMITIVES, STRING_PRIMITIVES, type ValueType } from "../../model/types.js";
import type { DataPath } from "../../parse/source-file.js";
import type { FieldObject } from "../../validate/spec.js";
import type { BoundDomain } from "../bind.js";
import type { Reporter, Rule } from "../context.js";
import { checkPattern } from "@fluvius/runtime/internal/runtime/pattern";
import { isDecimalString, toBig } from "../values.js";
import { fieldSites } from "../walk.js";

/** Every field's type exists, its long form names one kind, and its constraints fit the type. */
export const fieldTypesRule: Rule = {
  name: "field-types",
  reads: "domain",
  codes: ["unknown-type", "unknown-aggregate", "invalid-field-kind", "constraint-not-applicable", "invalid-constraint"],
  check(domain, context) {
    for (const site of fieldSites(domain)) {
      const { file, path, spec } = site;
      if (typeof spec === "string") {
        checkTypeExpression(spec, { file, path }, domain, context);
        continue;
      }
      const kinds = kindKeysOf(spec);
      if (kinds.length !== 1) {
        const found = kinds.length === 0 ? " (it has none)" : ` (it has ${kinds.map((k) => `'${k}'`).join(" and ")})`;
        context.report("invalid-field-kind", { found }, { file, path, part: "key" });
        continue;
      }
      if (spec.type !== undefined) checkTypeExpression(spec.type, { file, path: [...path, "type"] }, domain, context);
      if (spec.ref !== undefined && !domain.aggregates.has(spec.ref)) {
        context.report("unknown-aggregate", { name: spec.ref, suggestion: didYouMean(spec.ref, domain.aggregates.keys()) }, { file, path: [...path, "ref"] });
      }
      checkConstraints(spec, domain.resolver.field(site.name, spec).type, { file, path }, context);
    }
  },
};

function checkTypeExpression(text: string, at: { file: BoundDomain["files"][number]["file"]; path: DataPath }, domain: BoundDomain, context: Reporter): void {
  const { base } = parseTypeExpression(text);
  if (isPrimitive(base) || domain.types.has(base)) return;
  context.report("unknown-type", { name: base, suggestion: didYouMean(base, [...PRIMITIVES, ...domain.types.keys()]) }, at);
}

const NUMERIC_KEYS = ["minimum", "maximum"] as const;
const STRING_KEYS = ["minLength", "maxLength", "pattern"] as const;

function checkConstraints(spec: FieldObject, resolved: ValueType, at: { file: BoundDomain["files"][number]["file"]; path: DataPath }, context: Reporter): void {
  let type = resolved;
  while (type.kind === "array") type = type.element;
  if (type.kind === "unknown") return;
  const primitive = type.kind === "primitive" ? type.primitive : undefined;
  const applicable = (key: string): boolean => {
    if (primitive === undefined) return false;
    if ((NUMERIC_KEYS as readonly string[]).includes(key)) return NUMERIC_PRIMITIVES.has(primitive);
    if ((STRING_KEYS as readonly string[]).includes(key)) return STRING_PRIMITIVES.has(primitive);
    return primitive === "decimal"; // scale
  };
  let ok = true;
  for (const key of [...NUMERIC_KEYS, ...STRING_KEYS, "scale"] as const) {
    if (spec[key] === undefined || applicable(key)) continue;
    ok = false;
    context.report("constraint-not-applicable", { constraint: key, type: describeType(type) }, { file: at.file, path: [...at.path, key], part: "key" });
  }
  if (!ok) return;
  for (const key of NUMERIC_KEYS) {
    const bound = spec[key];
    if (bound === undefined) continue;
    const valid = primitive === "decimal" ? isDecimalString(bound) || (typeof bound === "number" && Number.isFinite(bound)) : typeof bound === "number";
    if (!valid) {
      const detail = primitive === "decimal" ? `${key} of a decimal is a decimal number, written as a string (e.g. "0")` : `${key} of ${primitive} is a number`;
      context.report("invalid-constraint", { detail }, { file: at.file, path: [...at.path, key] });
      ok = false;
    }
  }
  const min = toBig(spec.minimum);
  const max = toBig(spec.maximum);
  if (ok && min && max && min.gt(max)) {
    context.report(
      "invalid-constraint",
      { detail: `minimum ${min.toString()} is above maximum ${max.toString()}` },
      { file: at.file, path: [...at.path, "minimum"] },
    );
  }
  if (spec.minLength !== undefined && spec.maxLength !== undefined && spec.minLength > spec.maxLength) {
    context.report(
      "invalid-constraint",
      { detail: `minLength ${spec.minLength} is above maxLength ${spec.maxLength}` },
      { file: at.file, path: [...at.path, "minLength"] },
    );
  }
  if (spec.pattern !== undefined) {
    const pattern = checkPattern(spec.pattern);
    const site = { file: at.file, path: [...at.path, "pattern"] };
    if (!pattern.ok && pattern.problem === "invalid")
      context.report("invalid-constraint", { detail: `'${spec.pattern}' is not a valid regular expression` }, site);
    if (!pattern.ok && pattern.problem === "unsupported") context.report("unsupported-pattern", { pattern: spec.pattern, detail: pattern.detail }, site);
  }
}
