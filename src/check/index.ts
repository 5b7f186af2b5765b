import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { type BoundDomain, bindDomains, type SpecFile } from "./bind.js";
import { createContext } from "./context.js";
import { rules } from "./rules/index.js";

export interface CheckOptions {
  /** Names of fluvius.yaml's `integrations`, which reactions may `notify`. */
  readonly integrations?: readonly string[];
  /** The `nats` ones among them, which external events may come `from`. */
  readonly brokers?: readonly string[];
}

/** The check stage: binds files into domains and runs every semantic rule on each. */
export function checkDomains(files: readonly SpecFile[], diagnostics: DiagnosticCollector, options: CheckOptions = {}): BoundDomain[] {
  const domains = bindDomains(files);
  const context = createContext(diagnostics, { domains: new Map(domains.map((d) => [d.name, d])), integrations: options.integrations ?? [], brokers: options.brokers ?? [] });
  for (const domain of domains) for (const rule of rules) rule.check(domain, context);
  return domains;
}
