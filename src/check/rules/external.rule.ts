import { didYouMean } from "../../diagnostics/suggest.js";
import type { Rule } from "../context.js";

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Why `subject` is no NATS subject an external event can be read from; undefined when it is one. */
export function subjectProblem(subject: string): string | undefined {
  const tokens = subject.split(".");
  for (const [i, token] of tokens.entries()) {
    if (token === "") return "it has an empty token (two dots, or a dot at an end)";
    if (token === ">" && i !== tokens.length - 1) return "`>` may only be the last token";
    if (token !== "*" && token !== ">" && !TOKEN.test(token)) return `the token '${token}' has a character other than letters, digits, '_' and '-'`;
  }
  return undefined;
}

/** External events come from a NATS broker of fluvius.yaml, on a well-formed subject. */
export const externalRule: Rule = {
  name: "external",
  reads: "project",
  codes: ["unknown-integration", "not-a-broker", "invalid-subject"],
  check(domain, context) {
    const { integrations, brokers } = context.project;
    for (const external of domain.externals.values()) {
      const { spec, file, path } = external;
      const from = { file, path: [...path, "from"] };
      if (!integrations.includes(spec.from)) {
        context.report("unknown-integration", { name: spec.from, suggestion: didYouMean(spec.from, brokers) }, from);
      } else if (!brokers.includes(spec.from)) {
        context.report("not-a-broker", { name: spec.from, kind: "webhook" }, from);
      }
      const problem = subjectProblem(spec.subject);
      if (problem !== undefined) context.report("invalid-subject", { subject: spec.subject, detail: problem }, { file, path: [...path, "subject"] });
    }
  },
};
