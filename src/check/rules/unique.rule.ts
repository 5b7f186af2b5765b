import { didYouMean } from "../../diagnostics/suggest.js";
import type { ValueType } from "../../model/types.js";
import type { Rule } from "../context.js";
import { type FieldScope, fieldSites } from "../walk.js";

/**
 * `unique: true` on a state field and `unique: [[a, b]]` on an aggregate name required,
 * scalar state fields: the runtime enforces them with a unique index on the read-model
 * table, which compares whole column values and lets NULLs pass.
 */
export const uniqueRule: Rule = {
  name: "unique",
  reads: "domain",
  codes: ["unique-not-applicable", "unknown-field"],
  check(domain, context) {
    for (const site of fieldSites(domain)) {
      if (typeof site.spec === "string" || site.spec.unique !== true) continue;
      const at = { file: site.file, path: [...site.path, "unique"], part: "key" as const };
      if (site.scope !== "state") {
        context.report("unique-not-applicable", { field: site.name, reason: `only state fields can be unique, and this is ${scopeText(site.scope)}` }, at);
        continue;
      }
      const field = domain.resolver.field(site.name, site.spec);
      const reason = field.optional ? "it is optional, and unset values never collide" : typeProblem(field.type);
      if (reason !== undefined) context.report("unique-not-applicable", { field: site.name, reason }, at);
    }
    for (const aggregate of domain.aggregates.values()) {
      const state = aggregate.spec.state ?? {};
      const fields = domain.resolver.fields(state);
      for (const [i, set] of (aggregate.spec.unique ?? []).entries()) {
        for (const [j, name] of set.entries()) {
          const at = { file: aggregate.file, path: [...aggregate.path, "unique", i, j] };
          const field = fields.find((f) => f.name === name);
          if (field === undefined) {
            context.report("unknown-field", { field: name, aggregate: aggregate.name, suggestion: didYouMean(name, Object.keys(state)) }, at);
            continue;
          }
          const reason = field.optional ? "it is optional, and unset values never collide" : typeProblem(field.type);
          if (reason !== undefined) context.report("unique-not-applicable", { field: name, reason }, at);
        }
      }
    }
  },
};

function scopeText(scope: FieldScope): string {
  return SCOPE_TEXT[scope];
}

const SCOPE_TEXT: Readonly<Record<FieldScope, string>> = {
  state: "a state field",
  "action payload": "an action's payload field",
  "event payload": "an event's payload field",
  type: "a named type",
  "object field": "a field of an object",
};

/** Why values of this type cannot be compared one to one, or undefined when they can. */
function typeProblem(type: ValueType): string | undefined {
  switch (type.kind) {
    case "array":
      return "it is an array";
    case "object":
      return "it is an object";
    case "primitive":
      return type.primitive === "json" ? "it is json" : undefined;
    default:
      return undefined;
  }
}
