import type { Rule } from "../context.js";

/** Types, aggregates and roles are unique across all files of a domain; domain attributes agree. */
export const duplicateNamesRule: Rule = {
  name: "duplicate-names",
  reads: "domain",
  codes: ["duplicate-name", "conflicting-domain-attribute"],
  check(domain, context) {
    for (const { kind, first, again } of domain.duplicates) {
      context.report(
        "duplicate-name",
        { kind, name: again.name },
        { file: again.file, path: again.path, part: "key" },
        { related: [{ file: first.file, path: first.path, message: `'${first.name}' is first declared here` }] },
      );
    }
    for (const attribute of ["revision", "description"] as const) {
      const declared = domain.files.filter((f) => f.content[attribute] !== undefined);
      const first = declared[0];
      if (!first) continue;
      for (const other of declared.slice(1)) {
        if (other.content[attribute] === first.content[attribute]) continue;
        context.report(
          "conflicting-domain-attribute",
          { attribute, domain: domain.name },
          { file: other.file, path: [attribute], part: "key" },
          { related: [{ file: first.file, path: [attribute], message: `'${attribute}' is also set here` }] },
        );
      }
    }
  },
};
