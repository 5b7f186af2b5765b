import { permissionMatches } from "@fluvius/runtime/internal/runtime/policy";
import type { Rule } from "../context.js";

/**
 * An action that no rule of its domain's policies allows can never run (deny by default): not
 * for a role, not for a reaction. Only reported in a domain that has rules: one without any is
 * a draft whose policies are not written yet, and a warning on each of its actions would be noise.
 */
export const neverAllowedRule: Rule = {
  name: "never-allowed",
  reads: "domain",
  codes: ["action-never-allowed"],
  check(domain, context) {
    if (domain.rules.length === 0) return;
    const patterns = domain.rules.flatMap((r) => (Array.isArray(r.spec.allow) ? r.spec.allow.filter((p): p is string => typeof p === "string") : []));
    const role = [...domain.roles.keys()][0] ?? "<role>";
    for (const aggregate of domain.aggregates.values()) {
      for (const action of Object.keys(aggregate.spec.actions ?? {})) {
        const permission = `${aggregate.name}:${action}`;
        if (patterns.some((p) => permissionMatches(p, permission))) continue;
        context.report(
          "action-never-allowed",
          { action, aggregate: aggregate.name, permission },
          { file: aggregate.file, path: [...aggregate.path, "actions", action], part: "key" },
          {
            hint: `Grant \`${permission}\` in a rule, e.g. \`- { role: ${role}, allow: [${permission}] }\` (or \`${aggregate.name}:*\`), or in a \`{ reaction: <name>, allow: [...] }\` rule if only a reaction issues it.`,
          },
        );
      }
    }
  },
};
