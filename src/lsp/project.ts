import { compile, type CompileResult } from "../compile.js";
import type { CompileCache } from "../compile-cache.js";
import type { Host } from "../host/host.js";
import { dirname, resolvePath } from "../host/paths.js";
import { findConfigFile } from "../load/config.js";

/**
 * The set of files a document is checked with. Under a fluvius.yaml it is the project's
 * `specs` (so a domain split across files is one unit); without one, the document alone.
 */
export interface Project {
  /** The folder display paths are relative to: fluvius.yaml's folder, or the file's. */
  readonly root: string;
  /** The file of a project without fluvius.yaml; undefined for a configured project. */
  readonly single?: string;
}

export async function projectOf(host: Host, path: string): Promise<Project> {
  const config = await findConfigFile(host, dirname(path));
  return config === undefined ? { root: dirname(path), single: path } : { root: dirname(config) };
}

export function projectKey(project: Project): string {
  return project.single ?? project.root;
}

export interface CheckedProject {
  readonly project: Project;
  readonly result: CompileResult;
  /** Absolute paths of every file the pipeline read (specs and fluvius.yaml). */
  readonly files: readonly string[];
}

/**
 * Runs the real pipeline over the project, with `host` overlaying the unsaved documents; `cache`
 * (the project's, kept between checks) makes an edit cost what it touched, not the project's size.
 */
export async function checkProject(host: Host, project: Project, cache?: CompileCache): Promise<CheckedProject> {
  const result = await compile({ host, ...(project.single === undefined ? {} : { inputs: [project.single] }), ...(cache === undefined ? {} : { cache }) });
  const files = [...result.sources.keys()].map((p) => resolvePath(project.root, p));
  return { project, result, files };
}
