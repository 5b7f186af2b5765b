import type { Code, ParamsOf } from "../diagnostics/catalog.js";
import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { type Part, rangeAt } from "../parse/locate.js";
import type { DataPath, SourceFile } from "../parse/source-file.js";
import type { BoundDomain } from "./bind.js";

/** A place in a spec: a file and the data path of the key or value concerned. */
export interface Site {
  readonly file: SourceFile;
  readonly path: DataPath;
  readonly part?: Part;
}

export interface RelatedSite extends Site {
  readonly message: string;
}

/** What a rule may look up beyond its own domain: the project's other domains and fluvius.yaml. */
export interface ProjectScope {
  readonly domains: ReadonlyMap<string, BoundDomain>;
  /** Names of fluvius.yaml's `integrations`. */
  readonly integrations: readonly string[];
  /** The integrations among them that are NATS brokers (external events are read from one). */
  readonly brokers: readonly string[];
}

/** What every rule may do: report. */
export interface Reporter {
  report<C extends Code>(code: C, params: ParamsOf<C>, at: Site, options?: { related?: readonly RelatedSite[]; hint?: string }): void;
}

/** What a rule that looks beyond its domain gets: the reporter and the project. */
export interface CheckContext extends Reporter {
  readonly project: ProjectScope;
}

interface RuleBase {
  readonly name: string;
  /** The catalog codes this rule may report (the fixture test checks each has a fixture). */
  readonly codes: readonly Code[];
}

/**
 * A semantic rule: looks at one bound domain and reports what is wrong with it. A rule that
 * reads only its own domain gets no project to read, so the type checker guarantees what
 * incremental checking relies on: its findings stay valid while the domain's files are unchanged.
 */
export type Rule = DomainRule | ProjectRule;

export interface DomainRule extends RuleBase {
  readonly reads: "domain";
  check(domain: BoundDomain, context: Reporter): void;
}

/** A rule that also reads other domains or fluvius.yaml: it runs on every check. */
export interface ProjectRule extends RuleBase {
  readonly reads: "project";
  check(domain: BoundDomain, context: CheckContext): void;
}

export function createContext(diagnostics: DiagnosticCollector, project: ProjectScope): CheckContext {
  // Positions are looked up only when something is reported: a clean spec pays nothing.
  return {
    project,
    report(code, params, at, options = {}) {
      const related = (options.related ?? []).map((r) => ({ ...rangeAt(r.file, r.path, r.part ?? "key"), message: r.message }));
      diagnostics.report(code, params, rangeAt(at.file, at.path, at.part ?? "value"), {
        related,
        ...(options.hint === undefined ? {} : { hint: options.hint }),
      });
    },
  };
}
