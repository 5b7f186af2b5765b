import type { Rule } from "../context.js";
import { fieldSites } from "../walk.js";

/**
 * `checked: true` goes with `ref:` on an action's payload field: that is where a command can
 * still refuse an id that names nothing. A `ref` to an unknown aggregate is reported by the
 * field-types rule (unknown-aggregate), checked or not.
 */
export const checkedRefsRule: Rule = {
  name: "checked-refs",
  reads: "domain",
  codes: ["checked-not-applicable"],
  check(domain, context) {
    for (const site of fieldSites(domain)) {
      if (typeof site.spec === "string" || site.spec.checked !== true) continue;
      const at = { file: site.file, path: [...site.path, "checked"], part: "key" as const };
      if (site.spec.ref === undefined) {
        context.report("checked-not-applicable", { field: site.name, reason: "it is not a `ref` to an aggregate" }, at);
      } else if (site.scope !== "action payload") {
        const where = site.scope === "type" ? "a named type" : site.scope === "object field" ? "a field of an object" : `a field of the ${site.scope}`;
        context.report("checked-not-applicable", { field: site.name, reason: `only an action's payload fields are checked, and this is ${where}` }, at);
      }
    }
  },
};
