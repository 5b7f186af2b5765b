import type { DiagnosticCollector } from "../diagnostics/collector.js";
import type { SourceRange } from "../diagnostics/diagnostic.js";
import { configRange, type ProjectConfig } from "../load/config.js";
import type { DomainModel, Model } from "../model/model.js";
import { subjectText, type Finding } from "./compare.js";

export interface ReportSummary {
  /** Findings suppressed by fluvius.yaml, with the reason given there. */
  readonly suppressed: readonly { readonly code: string; readonly subject: string; readonly reason: string }[];
}

/**
 * Reports findings as diagnostics at their place in the current specs (or the nearest that
 * still exists: a removed field points into its event, a removed aggregate at its domain's
 * file), unless fluvius.yaml's `breaking.ignore` accepts them.
 */
export function reportFindings(findings: readonly Finding[], model: Model, config: ProjectConfig, diagnostics: DiagnosticCollector): ReportSummary {
  const byName = new Map(model.domains.map((d) => [d.name, d]));
  const suppressed: { code: string; subject: string; reason: string }[] = [];
  for (const finding of findings) {
    const subject = subjectText(finding.subject);
    const ignore = config.breaking.ignore.find((i) => i.code === finding.code && i.subject === subject);
    if (ignore) {
      suppressed.push({ code: finding.code, subject, reason: ignore.reason });
      continue;
    }
    diagnostics.report(finding.code, { subject, detail: finding.detail }, rangeOf(finding, byName.get(finding.subject.domain), config));
  }
  return { suppressed };
}

function rangeOf(finding: Finding, domain: DomainModel | undefined, config: ProjectConfig): SourceRange {
  const { subject } = finding;
  if (!domain) return configRange(config);
  // The domain's first file, as a whole.
  const fallback = domain.site.inner;
  if ("role" in subject) {
    const rule = domain.rules.find((r) => r.role === subject.role && r.allow.includes(subject.permission)) ?? domain.rules.find((r) => r.role === subject.role);
    if (!rule) return fallback;
    return rule.allowSites[rule.allow.indexOf(subject.permission)]?.range ?? rule.site.range;
  }
  const aggregate = subject.aggregate === undefined ? undefined : domain.aggregates.find((a) => a.name === subject.aggregate);
  if (!aggregate) return fallback;
  if (subject.section === undefined || subject.name === undefined) return aggregate.site.range;
  // The nearest node still declared: the section, or the aggregate, when the named one is gone.
  const section = aggregate.sections[subject.section];
  if (!section) return aggregate.site.inner;
  const named = (subject.section === "state" ? aggregate.state : aggregate[subject.section]).find((n) => n.name === subject.name);
  if (!named) return section.inner;
  const [first] = subject.field ?? [];
  if (first === undefined) return named.site.range;
  // A state field's nested fields have no sites: the field's body stands for them.
  if (!("payload" in named)) return named.site.inner;
  if (!named.payloadSite) return named.site.inner;
  return named.payload.find((f) => f.name === first)?.site.range ?? named.payloadSite.inner;
}
