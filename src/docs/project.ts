import { LOCK_NAME, parseLock } from "../breaking/lock.js";
import { compile } from "../compile.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Host } from "../host/host.js";
import { resolvePath } from "../host/paths.js";
import type { ProjectConfig } from "../load/config.js";
import { lower } from "../model/lower.js";
import type { DocsInput } from "./build.js";

export type ProjectDocsInput =
  | {
      readonly ok: true;
      readonly input: DocsInput;
      readonly config: ProjectConfig;
      readonly diagnostics: readonly Diagnostic[];
      readonly sources: ReadonlyMap<string, string>;
      readonly fileCount: number;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly sources: ReadonlyMap<string, string>; readonly fileCount: number };

/**
 * What the docs are made from, read from a project: its specs, compiled and lowered as
 * `generate` does, and its event lock when it has a readable one (an unreadable lock is
 * `fluvius breaking`'s to report; the docs then just list no earlier versions).
 */
export async function projectDocsInput(
  host: Host,
  options: { readonly inputs?: readonly string[]; readonly configPath?: string } = {},
): Promise<ProjectDocsInput> {
  const compiled = await compile({
    host,
    ...(options.inputs === undefined ? {} : { inputs: options.inputs }),
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
  });
  const { diagnostics, sources, fileCount } = compiled;
  if (!compiled.domains || !compiled.config) return { ok: false, diagnostics, sources, fileCount };
  const text = await host.readText(resolvePath(compiled.config.root, LOCK_NAME));
  const lock = text === undefined ? undefined : parseLock(text);
  const model = lower(compiled.domains);
  return {
    ok: true,
    input: lock === undefined || "problem" in lock ? { model } : { model, lock },
    config: compiled.config,
    diagnostics,
    sources,
    fileCount,
  };
}
