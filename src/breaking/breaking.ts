import { compile } from "../compile.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Host } from "../host/host.js";
import { memoryHost } from "../host/memory-host.js";
import { resolvePath } from "../host/paths.js";
import { lower } from "../model/lower.js";
import { compareEvents, compareModels, type Finding } from "./compare.js";
import { projectFilesAt } from "./git.js";
import { LOCK_NAME, parseLock } from "./lock.js";
import { reportFindings, type ReportSummary } from "./report.js";

export interface BreakingOptions {
  readonly host: Host;
  readonly configPath?: string;
  /** A git revision to compare with (every category). */
  readonly against?: string;
  /** Compare the events with the event lock (the default without `against`). */
  readonly lock?: boolean;
}

export type BreakingResult =
  | {
      readonly ok: true;
      readonly diagnostics: readonly Diagnostic[];
      readonly sources: ReadonlyMap<string, string>;
      readonly compared: readonly string[];
      readonly suppressed: ReportSummary["suppressed"];
    }
  /** Nothing was compared: the current specs have errors (diagnostics), or the other side cannot be read (problem). */
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly sources: ReadonlyMap<string, string>; readonly problem: string };

/**
 * The current specs against another revision (read from git) and/or the event lock:
 * compile both, lower both, compare the models, report each finding where it is in the
 * current specs (docs/evolution.md).
 */
export async function checkBreaking(options: BreakingOptions): Promise<BreakingResult> {
  const current = await compile({ host: options.host, ...(options.configPath === undefined ? {} : { configPath: options.configPath }) });
  const { sources } = current;
  if (!current.domains || !current.config)
    return { ok: false, diagnostics: current.diagnostics, sources, problem: "the current specs have errors: fix them first (`fluvius validate`)" };
  const config = current.config;
  const model = lower(current.domains);
  const findings: Finding[] = [];
  const compared: string[] = [];

  if (options.against !== undefined) {
    const files = await projectFilesAt(config.root, options.against);
    if ("problem" in files) return { ok: false, diagnostics: [], sources, problem: files.problem };
    const before = await compile({ host: memoryHost(files) });
    if (!before.domains) {
      const errors = before.diagnostics.filter((d) => d.severity === "error").length;
      return {
        ok: false,
        diagnostics: [],
        sources,
        problem: `the specs at ${options.against} do not validate (${errors} error${errors === 1 ? "" : "s"}): compare with another revision`,
      };
    }
    findings.push(...compareModels(lower(before.domains), model));
    compared.push(options.against);
  }
  if (options.lock === true || options.against === undefined) {
    const text = await options.host.readText(resolvePath(config.root, LOCK_NAME));
    if (text === undefined)
      return {
        ok: false,
        diagnostics: [],
        sources,
        problem: `there is no ${LOCK_NAME} yet: \`fluvius generate\` writes it (commit it), or compare with a revision: --against <ref>`,
      };
    const lock = parseLock(text);
    if ("problem" in lock) return { ok: false, diagnostics: [], sources, problem: `${LOCK_NAME} cannot be read: ${lock.problem}` };
    const seen = new Set(findings.map((f) => `${f.code} ${JSON.stringify(f.subject)}`));
    findings.push(...compareEvents(lock.events, model).filter((f) => !seen.has(`${f.code} ${JSON.stringify(f.subject)}`)));
    compared.push(LOCK_NAME);
  }
  const diagnostics = new DiagnosticCollector();
  const { suppressed } = reportFindings(findings, model, config, diagnostics);
  return { ok: true, diagnostics: diagnostics.sorted(), sources, compared, suppressed };
}
