import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { type BoundDomain, bindDomains, type SpecFile } from "./bind.js";
import { createContext } from "./context.js";
import { rules } from "./rules/index.js";

/** The check stage: binds files into domains and runs every semantic rule on each. */
export function checkDomains(files: readonly SpecFile[], diagnostics: DiagnosticCollector): BoundDomain[] {
  const domains = bindDomains(files);
  const context = createContext(diagnostics);
  for (const domain of domains) for (const rule of rules) rule.check(domain, context);
  return domains;
}
