import { didYouMean } from "../../diagnostics/suggest.js";
import type { Rule } from "../context.js";
import { valueProblem } from "../values.js";

/** `when` preconditions test existing state fields with values of their type, never on `creates`. */
export const whenRule: Rule = {
  name: "when",
  reads: "domain",
  codes: ["creates-with-when", "unknown-field", "invalid-condition-value"],
  check(domain, context) {
    for (const a of domain.aggregates.values()) {
      const state = new Map(domain.resolver.fields(a.spec.state).map((f) => [f.name, f]));
      for (const [name, action] of Object.entries(a.spec.actions ?? {})) {
        if (action.when === undefined) continue;
        const whenPath = [...a.path, "actions", name, "when"];
        if (action.creates === true) {
          context.report("creates-with-when", { action: name }, { file: a.file, path: whenPath, part: "key" });
          continue;
        }
        for (const [fieldName, expected] of Object.entries(action.when)) {
          const field = state.get(fieldName);
          const at = { file: a.file, path: [...whenPath, fieldName] };
          if (!field) {
            context.report("unknown-field", { field: fieldName, aggregate: a.name, suggestion: didYouMean(fieldName, state.keys()) }, { ...at, part: "key" });
            continue;
          }
          const values = Array.isArray(expected) ? expected : [expected];
          for (const [i, value] of values.entries()) {
            const problem = valueProblem(value, field.type, field.optional);
            if (problem)
              context.report(
                "invalid-condition-value",
                { field: fieldName, detail: problem },
                { file: a.file, path: Array.isArray(expected) ? [...at.path, i] : at.path },
              );
          }
        }
      }
    }
  },
};
