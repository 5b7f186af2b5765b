import { DiagnosticCollector } from "../diagnostics/collector.js";
import { type BoundDomain, bindDomains, type SpecFile } from "./bind.js";
import type { CheckCache } from "./cache.js";
import { createContext } from "./context.js";
import { rules } from "./rules/index.js";

export interface CheckOptions {
  /** Names of fluvius.yaml's `integrations`, which reactions may `notify`. */
  readonly integrations?: readonly string[];
  /** The `nats` ones among them, which external events may come `from`. */
  readonly brokers?: readonly string[];
  /** The domain rules' findings of an earlier check of the same project, reused where a domain's files are the same. */
  readonly cache?: CheckCache;
}

const domainRules = rules.filter((r) => r.reads === "domain");
const projectRules = rules.filter((r) => r.reads === "project");

/** The check stage: binds files into domains and runs every semantic rule on each. */
export function checkDomains(files: readonly SpecFile[], diagnostics: DiagnosticCollector, options: CheckOptions = {}): BoundDomain[] {
  const domains = bindDomains(files);
  const project = { domains: new Map(domains.map((d) => [d.name, d])), integrations: options.integrations ?? [], brokers: options.brokers ?? [] };
  const context = createContext(diagnostics, project);
  const { cache } = options;
  for (const domain of domains) {
    const sources = domain.files.map((f) => f.file);
    const known = cache?.get(domain.name, sources);
    if (known !== undefined) diagnostics.add(known);
    else if (cache === undefined) for (const rule of domainRules) rule.check(domain, context);
    else {
      const own = new DiagnosticCollector();
      const ownContext = createContext(own, project);
      for (const rule of domainRules) rule.check(domain, ownContext);
      const found = own.all();
      cache.set(domain.name, sources, found);
      diagnostics.add(found);
    }
    for (const rule of projectRules) rule.check(domain, context);
  }
  cache?.retain(new Set(project.domains.keys()));
  return domains;
}
