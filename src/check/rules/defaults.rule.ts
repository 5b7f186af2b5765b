import type { Rule } from "../context.js";
import { valueProblem } from "../values.js";
import { fieldSites } from "../walk.js";

/** A default must be a valid value of its field's type; payload fields have none. */
export const defaultsRule: Rule = {
  name: "defaults",
  reads: "domain",
  codes: ["invalid-default"],
  check(domain, context) {
    for (const site of fieldSites(domain)) {
      if (typeof site.spec === "string" || site.spec.default === undefined) continue;
      const at = { file: site.file, path: [...site.path, "default"] };
      if (site.scope === "action payload" || site.scope === "event payload") {
        context.report("invalid-default", { detail: "payload fields have no defaults" }, at, {
          hint: "Make the field optional (`type?`) and decide in the handler what its absence means.",
        });
        continue;
      }
      const field = domain.resolver.field(site.name, site.spec);
      const problem = valueProblem(site.spec.default, field.type, field.optional);
      if (problem) context.report("invalid-default", { detail: problem }, at);
    }
  },
};
