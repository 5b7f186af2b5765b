import type { BoundDomain, SpecFile } from "./check/bind.js";
import { checkDomains } from "./check/index.js";
import { DiagnosticCollector } from "./diagnostics/collector.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import type { Host } from "./host/host.js";
import { displayPath } from "./host/paths.js";
import { loadConfig, type ProjectConfig } from "./load/config.js";
import { discoverSpecFiles } from "./load/discover.js";
import { readTextFile } from "./load/read-text.js";
import { parseYaml } from "./parse/parse.js";
import type { SourceFile, TextFile } from "./parse/source-file.js";
import { validateSpecFile } from "./validate/validate.js";
import type { CompileCache } from "./compile-cache.js";

export interface CompileOptions {
  readonly host: Host;
  /** Files, folders or globs from the command line; none means `specs` of fluvius.yaml. */
  readonly inputs?: readonly string[];
  /** An explicit fluvius.yaml (--config); otherwise the nearest one is used. */
  readonly configPath?: string;
  readonly maxFileBytes?: number;
  /** Results of an earlier compile of the same project to reuse where its files are unchanged (the language server's). */
  readonly cache?: CompileCache;
}

export interface CompileResult {
  /** Sorted; empty when everything is fine. */
  readonly diagnostics: readonly Diagnostic[];
  readonly config?: ProjectConfig;
  /** The checked domains; present only when no stage reported an error. */
  readonly domains?: readonly BoundDomain[];
  /** Text of every file read, by display path, for code frames. */
  readonly sources: ReadonlyMap<string, string>;
  readonly fileCount: number;
}

/**
 * Runs the front end of the pipeline: load → parse → validate → check. Each stage sees
 * every file and reports all it finds; a stage with errors stops the pipeline, so one
 * mistake never cascades into follow-on errors.
 */
export async function compile(options: CompileOptions): Promise<CompileResult> {
  const { host } = options;
  const diagnostics = new DiagnosticCollector();
  const sources = new Map<string, string>();
  const done = (extra: Partial<CompileResult> = {}): CompileResult => ({ diagnostics: diagnostics.sorted(), sources, fileCount: 0, ...extra });

  const config = await loadConfig(host, diagnostics, {
    ...readOptions(options),
    ...(options.configPath === undefined ? {} : { explicitPath: options.configPath }),
  });
  if (config?.file) sources.set(config.file.displayPath, config.file.text);
  if (!config || diagnostics.hasErrors()) return done(config ? { config } : {});

  // load
  const paths = await discoverSpecFiles(host, config, options.inputs ?? [], diagnostics);
  const texts: TextFile[] = [];
  for (const path of paths) {
    const text = await readTextFile(host, path, displayPath(host.cwd, path), diagnostics, readOptions(options));
    if (text) {
      texts.push(text);
      sources.set(text.displayPath, text.text);
    }
  }
  const fileCount = paths.length;
  if (diagnostics.hasErrors()) return done({ config, fileCount });

  const { cache } = options;
  if (cache !== undefined) {
    cache.retain(new Set(texts.map((t) => t.path)));
    return compileCached(cache, texts, config, diagnostics, done, fileCount);
  }

  // parse
  const parsed: SourceFile[] = [];
  for (const text of texts) {
    const file = parseYaml(text, diagnostics);
    if (file) parsed.push(file);
  }
  if (diagnostics.hasErrors()) return done({ config, fileCount });

  // validate (JSON Schema)
  const specs: SpecFile[] = [];
  for (const file of parsed) {
    const content = validateSpecFile(file, diagnostics);
    if (content) specs.push({ file, content });
  }
  if (diagnostics.hasErrors()) return done({ config, fileCount });

  // check (semantic rules)
  const domains = checkDomains(specs, diagnostics, checkOptions(config));
  if (diagnostics.hasErrors()) return done({ config, fileCount });
  return done({ config, fileCount, domains });
}

/** The same stages, each file's parse and validation (and each unchanged domain's rules) taken from the cache. */
function compileCached(
  cache: CompileCache,
  texts: readonly TextFile[],
  config: ProjectConfig,
  diagnostics: DiagnosticCollector,
  done: (extra: Partial<CompileResult>) => CompileResult,
  fileCount: number,
): CompileResult {
  const results = texts.map((t) => cache.file(t));
  for (const r of results) diagnostics.add(r.parseDiagnostics);
  if (diagnostics.hasErrors()) return done({ config, fileCount });
  for (const r of results) diagnostics.add(r.validateDiagnostics);
  if (diagnostics.hasErrors()) return done({ config, fileCount });
  const specs = results.flatMap((r): SpecFile[] => (r.file === undefined || r.content === undefined ? [] : [{ file: r.file, content: r.content }]));
  const domains = checkDomains(specs, diagnostics, { ...checkOptions(config), cache: cache.check });
  if (diagnostics.hasErrors()) return done({ config, fileCount });
  return done({ config, fileCount, domains });
}

function checkOptions(config: ProjectConfig) {
  return {
    integrations: Object.keys(config.integrations),
    brokers: Object.entries(config.integrations).flatMap(([name, i]) => (i.nats === undefined ? [] : [name])),
  };
}

function readOptions(options: CompileOptions) {
  return options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes };
}
