import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { wholeFile } from "../diagnostics/diagnostic.js";
import type { Host } from "../host/host.js";
import { displayPath, resolvePath } from "../host/paths.js";
import { rangeAt } from "../parse/locate.js";
import { CONFIG_FILE_NAME, type ProjectConfig } from "./config.js";

/** What a folder argument is searched for. Dot-folders and node_modules are skipped. */
const FOLDER_GLOBS = ["**/*.yaml", "**/*.yml", "!**/node_modules/**"];
const GLOB_CHARS = /[*?[\]{}!]/;

/**
 * The spec files to compile: from the command's arguments (files, folders, globs) or, with
 * none, from `specs` in fluvius.yaml. Each input that yields nothing is a diagnostic.
 */
export async function discoverSpecFiles(host: Host, config: ProjectConfig, inputs: readonly string[], diagnostics: DiagnosticCollector): Promise<string[]> {
  const found = new Set<string>();
  if (inputs.length > 0) {
    for (const input of inputs) {
      for (const f of await expandInput(host, host.cwd, input, diagnostics, () => wholeFile(input))) found.add(f);
    }
  } else {
    const { file } = config;
    for (const [index, pattern] of config.specs.entries()) {
      const at = () => (file ? rangeAt(file, ["specs", index]) : wholeFile(displayPath(host.cwd, config.root)));
      for (const f of await expandInput(host, config.root, pattern, diagnostics, at)) found.add(f);
    }
  }
  return [...found].sort();
}

async function expandInput(
  host: Host,
  base: string,
  input: string,
  diagnostics: DiagnosticCollector,
  at: () => ReturnType<typeof wholeFile>,
): Promise<string[]> {
  if (GLOB_CHARS.test(input)) {
    const files = (await host.glob(base, [input])).filter(isNotConfig);
    if (files.length === 0) diagnostics.report("no-spec-files", { where: `files matching '${input}'` }, at());
    return files;
  }
  const path = resolvePath(base, input);
  const stat = await host.stat(path);
  if (!stat) {
    diagnostics.report("path-not-found", { path: input }, at());
    return [];
  }
  if (stat.kind === "directory") {
    const files = (await host.glob(path, FOLDER_GLOBS)).filter(isNotConfig);
    if (files.length === 0) diagnostics.report("no-spec-files", { where: `folder '${input}'` }, at());
    return files;
  }
  return [path];
}

function isNotConfig(path: string): boolean {
  return !path.endsWith(`/${CONFIG_FILE_NAME}`);
}
