import type { ValueType } from "../../model/types.js";
import type { Rule } from "../context.js";
import { fieldSites } from "../walk.js";

/**
 * `index: true` makes migrations create a b-tree index (led by `_tenant`) on the field's
 * column, for lists that filter or sort by it. Only tables have columns: state fields (the
 * read model) and view fields. A b-tree orders whole values, so arrays, objects and json,
 * which lists neither sort nor compare by order, are refused.
 */
export const indexFieldRule: Rule = {
  name: "index-field",
  reads: "domain",
  codes: ["index-not-applicable"],
  check(domain, context) {
    for (const site of fieldSites(domain)) {
      if (typeof site.spec === "string" || site.spec.index !== true) continue;
      const at = { file: site.file, path: [...site.path, "index"], part: "key" as const };
      if (site.scope !== "state") {
        context.report(
          "index-not-applicable",
          { field: site.name, reason: `only state fields and view fields have a column, and this is ${SCOPE_TEXT[site.scope]}` },
          at,
        );
        continue;
      }
      const reason = typeProblem(domain.resolver.field(site.name, site.spec).type);
      if (reason !== undefined) context.report("index-not-applicable", { field: site.name, reason }, at);
    }
    for (const view of domain.views.values()) {
      for (const [name, spec] of Object.entries(view.spec.fields ?? {})) {
        if (typeof spec === "string" || spec.index !== true) continue;
        const reason = typeProblem(domain.resolver.field(name, spec).type);
        if (reason !== undefined)
          context.report("index-not-applicable", { field: name, reason }, { file: view.file, path: [...view.path, "fields", name, "index"], part: "key" });
      }
    }
  },
};

const SCOPE_TEXT = {
  "action payload": "an action's payload field",
  "event payload": "an event's payload field",
  type: "a named type",
  "object field": "a field of an object",
} as const;

function typeProblem(type: ValueType): string | undefined {
  if (type.kind === "array") return "it is an array, and lists neither sort arrays nor compare them by order";
  if (type.kind === "object") return "it is an object, and lists neither sort objects nor filter by them";
  if (type.kind === "primitive" && type.primitive === "json") return "it is json, and lists neither sort json nor filter by it";
  return undefined;
}
