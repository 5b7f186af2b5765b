import { camelCase, RESERVED_TYPE_NAMES, RESERVED_WORDS } from "../../model/naming.js";
import type { Rule } from "../context.js";
import { fieldSites } from "../walk.js";

const SYSTEM_STATE_FIELDS = new Set(["id", "tenantId", "version"]);
const RESERVED_DOMAINS = new Set(["fluvius", "public"]);
const RESERVED_ACTIONS = new Set(["read", "history"]);
/**
 * The domain's generated folder has an index.ts beside one module per aggregate, and
 * `external` is the stream type of the domain's inbox (`on: external.<name>`).
 */
const RESERVED_AGGREGATES = new Map([
  ["index", "the domain's generated index.ts has that name"],
  ["external", "`external.<name>` names the domain's external events (and their inbox stream)"],
]);

/** Names that the system, TypeScript or PostgreSQL already use. */
export const reservedNamesRule: Rule = {
  name: "reserved-names",
  reads: "domain",
  codes: ["reserved-name"],
  check(domain, context) {
    const first = domain.files[0];
    if (first && RESERVED_DOMAINS.has(domain.name)) {
      for (const f of domain.files) {
        context.report(
          "reserved-name",
          { name: domain.name, kind: "domain", reason: "it is a PostgreSQL schema of the system" },
          { file: f.file, path: ["domain"] },
        );
      }
    }
    for (const t of domain.types.values()) {
      if (RESERVED_TYPE_NAMES.has(t.name)) {
        context.report(
          "reserved-name",
          { name: t.name, kind: "type", reason: "it is a built-in TypeScript type" },
          { file: t.file, path: t.path, part: "key" },
        );
      }
    }
    for (const site of fieldSites(domain)) {
      if (site.scope === "type") continue;
      const at = { file: site.file, path: site.path, part: "key" as const };
      if (site.scope === "state" && (SYSTEM_STATE_FIELDS.has(camelCase(site.name)) || SYSTEM_STATE_FIELDS.has(site.name))) {
        context.report("reserved-name", { name: site.name, kind: "state field", reason: "every aggregate already has it (id, tenantId, version)" }, at);
      } else if (site.scope === "state" && site.name.startsWith("_")) {
        context.report("reserved-name", { name: site.name, kind: "state field", reason: "names starting with '_' are system columns" }, at);
      } else if (RESERVED_WORDS.has(site.name)) {
        context.report("reserved-name", { name: site.name, kind: "field", reason: "it is a JavaScript/TypeScript reserved word or built-in property" }, at);
      }
    }
    for (const a of domain.aggregates.values()) {
      const reason = RESERVED_AGGREGATES.get(a.name);
      if (reason !== undefined) {
        context.report("reserved-name", { name: a.name, kind: "aggregate", reason }, { file: a.file, path: a.path, part: "key" });
      }
      for (const action of Object.keys(a.spec.actions ?? {})) {
        if (RESERVED_ACTIONS.has(action)) {
          context.report(
            "reserved-name",
            { name: action, kind: "action", reason: `'${a.name}:${action}' is already a permission (read, history)` },
            { file: a.file, path: [...a.path, "actions", action], part: "key" },
          );
        }
      }
    }
  },
};
