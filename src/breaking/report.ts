import type { BoundDomain } from "../check/bind.js";
import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { wholeFile, type SourceRange } from "../diagnostics/diagnostic.js";
import type { ProjectConfig } from "../load/config.js";
import { rangeAt } from "../parse/locate.js";
import type { DataPath } from "../parse/source-file.js";
import { subjectText, type Finding } from "./compare.js";

export interface ReportSummary {
  /** Findings suppressed by fluvius.yaml, with the reason given there. */
  readonly suppressed: readonly { readonly code: string; readonly subject: string; readonly reason: string }[];
}

/**
 * Reports findings as diagnostics at their place in the current specs (or the nearest that
 * still exists: a removed field points at its event, a removed aggregate at its domain's
 * file), unless fluvius.yaml's `breaking.ignore` accepts them.
 */
export function reportFindings(findings: readonly Finding[], domains: readonly BoundDomain[], config: ProjectConfig, diagnostics: DiagnosticCollector): ReportSummary {
  const byName = new Map(domains.map((d) => [d.name, d]));
  const suppressed: { code: string; subject: string; reason: string }[] = [];
  for (const finding of findings) {
    const subject = subjectText(finding.subject);
    const ignore = config.breaking.ignore.find((i) => i.code === finding.code && i.subject === subject);
    if (ignore) {
      suppressed.push({ code: finding.code, subject, reason: ignore.reason });
      continue;
    }
    diagnostics.report(finding.code, { subject, detail: finding.detail }, rangeOf(finding, byName, config));
  }
  return { suppressed };
}

function rangeOf(finding: Finding, domains: ReadonlyMap<string, BoundDomain>, config: ProjectConfig): SourceRange {
  const { subject } = finding;
  const domain = domains.get(subject.domain);
  const fallback = (): SourceRange => {
    const file = domain?.files[0]?.file ?? config.file;
    return file ? rangeAt(file, []) : wholeFile("fluvius.yaml");
  };
  if (!domain) return fallback();
  if ("role" in subject) {
    const rule = domain.rules.find((r) => r.spec.role === subject.role && (r.spec.allow ?? []).includes(subject.permission)) ?? domain.rules.find((r) => r.spec.role === subject.role);
    if (!rule) return fallback();
    const index = rule.spec.allow.indexOf(subject.permission);
    return rangeAt(rule.file, index < 0 ? rule.path : [...rule.path, "allow", index]);
  }
  const aggregate = subject.aggregate === undefined ? undefined : domain.aggregates.get(subject.aggregate);
  if (!aggregate) return fallback();
  const path: (string | number)[] = [...aggregate.path];
  if (subject.section !== undefined && subject.name !== undefined) {
    path.push(subject.section, subject.name);
    const [first] = subject.field ?? [];
    if (first !== undefined) path.push(...(subject.section === "state" ? [] : ["payload"]), first);
  }
  return rangeAt(aggregate.file, path satisfies DataPath, "key");
}
