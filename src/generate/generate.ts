import { compile } from "../compile.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { wholeFile } from "../diagnostics/diagnostic.js";
import type { EmitContext, Emitter } from "../emit/emitter.js";
import { openApiEmitter } from "../emit/openapi/emitter.js";
import { typescriptEmitter } from "../emit/typescript/emitter.js";
import type { Host } from "../host/host.js";
import { displayPath } from "../host/paths.js";
import { loadConfig, type ProjectConfig } from "../load/config.js";
import { migrationDrift } from "../migrate/plan.js";
import { lower } from "../model/lower.js";
import type { Model } from "../model/model.js";
import { Formatter } from "../write/format.js";
import { applyChanges } from "../write/apply.js";
import { CACHE_PATH, MANIFEST_NAME, type Manifest, readManifest, serializeCache, serializeManifest, stampOf } from "../write/manifest.js";
import { type Change, planGenerated } from "../write/plan.js";
import { inputsFingerprint, outputsOf, unchangedSince } from "./fingerprint.js";
import { planHandlers } from "./handlers.js";
import { LOCK_NAME, nextLock, parseLock, serializeLock, type EventLock } from "../breaking/lock.js";
import { resolvePath } from "../host/paths.js";

/** From this much spec text (characters) on, a generation with `output.format: prettier` starts its formatting threads early. */
const PREWARM_SPEC_CHARACTERS = 64 * 1024;

/** Every emitter of the generated folder, in order. */
export const emitters: readonly Emitter[] = [typescriptEmitter, openApiEmitter];

export interface GenerateOptions {
  readonly host: Host;
  readonly configPath?: string;
  /** Overwrite generated files a person edited (and delete stale ones). */
  readonly force?: boolean;
  /** Told about long steps, so a big project shows progress. */
  readonly progress?: (message: string) => void;
}

export interface GeneratePlan {
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
  readonly fileCount: number;
  readonly config?: ProjectConfig;
  readonly model?: Model;
  /** What would change on disk (empty: everything is up to date). */
  readonly changes: readonly Change[];
  /** Schema changes of the specs that no migration captures yet (empty: none, or no migrations at all). */
  readonly migrationDrift: readonly string[];
  /**
   * What this run knows of its output, for the local cache (written by `applyGeneration`).
   * The committed manifest's new text, when it changes, is one of the `changes`.
   */
  readonly manifest?: { readonly path: string; readonly value: Manifest };
  readonly appended: readonly { readonly path: string; readonly names: readonly string[] }[];
}

/**
 * validate → lower → emit → plan. Nothing is written here: the caller applies the changes,
 * diffs them (--check) or lists them (--dry-run). With errors in the specs, or generated
 * files edited by hand, the plan has no changes.
 */
export async function planGeneration(options: GenerateOptions): Promise<GeneratePlan> {
  const { host } = options;
  // The fast path: nothing the generation depends on has changed since a clean run.
  const early = await loadConfig(host, new DiagnosticCollector(), options.configPath === undefined ? {} : { explicitPath: options.configPath });
  const formatter = early ? new Formatter(early.root, options.progress) : undefined;
  const inputs = early && formatter ? await inputsFingerprint(host, early, outputFormatter(early, formatter)) : undefined;
  const fingerprint = inputs?.hash;
  if (early && fingerprint !== undefined && !options.force) {
    const previous = await readManifest(host, early.root, early.output.generated);
    if (await unchangedSince(host, early, previous, fingerprint)) {
      return { diagnostics: [], sources: new Map(), fileCount: 0, changes: [], appended: [], migrationDrift: [], config: early };
    }
  }
  // With `output.format: prettier`, big specs mean many files to format: start prettier's threads now, while the specs compile.
  if (early?.output.format === "prettier" && inputs && inputs.specCharacters >= PREWARM_SPEC_CHARACTERS) formatter?.prewarm();
  try {
    return await planFromSpecs(options, formatter, fingerprint);
  } finally {
    await formatter?.close();
  }
}

/** The full run: compile, lower, plan the handlers and the generated files. */
async function planFromSpecs(options: GenerateOptions, formatter: Formatter | undefined, fingerprint: string | undefined): Promise<GeneratePlan> {
  const { host } = options;
  const compiled = await compile({ host, ...(options.configPath === undefined ? {} : { configPath: options.configPath }) });
  const base = { sources: compiled.sources, fileCount: compiled.fileCount, changes: [], appended: [], migrationDrift: [] };
  if (!compiled.domains || !compiled.config) return { ...base, diagnostics: compiled.diagnostics };
  const { config } = compiled;
  const model = lower(compiled.domains);
  const diagnostics = new DiagnosticCollector();
  diagnostics.add(compiled.diagnostics);

  // One formatter for the handlers' stubs (prettier is loaded only when a stub is written) and,
  // with `output.format: prettier`, the generated files.
  const fmt = formatter ?? new Formatter(config.root, options.progress);
  try {
    const generatedDir = config.output.generated;
    const previous = await readManifest(host, config.root, generatedDir);
    const lockPath = resolvePath(config.root, LOCK_NAME);
    const lockText = await host.readText(lockPath);
    const lock = lockOf(lockText);
    const handlers = await planHandlers(host, config, model, previous, fmt, diagnostics, lock);
    const context: EmitContext = {
      model,
      config,
      sources: sourcesByDomain(compiled.domains, config.root),
      ...(lock === undefined ? {} : { lock }),
    };
    const files = emitters.flatMap((e) => e.emit(context));
    const generated = await planGenerated({
      host,
      generatedDir,
      files,
      previous,
      formatter: outputFormatter(config, fmt),
      force: options.force ?? false,
    });
    for (const conflict of generated.conflicts) {
      const shown = displayPath(host.cwd, conflict.path);
      diagnostics.report(conflict.reason === "not-ours" ? "generated-file-not-ours" : "generated-file-edited", { path: shown }, wholeFile(shown));
    }
    const result = { ...base, config, model, diagnostics: diagnostics.sorted() };
    if (diagnostics.hasErrors()) return result;

    const drift = await migrationDriftOf(host, config, model);
    diagnostics.add(drift.diagnostics);
    if (diagnostics.hasErrors()) return { ...result, diagnostics: diagnostics.sorted() };

    // Only a run that had nothing to say may let the next one skip everything.
    const clean = diagnostics.sorted().length === 0 && drift.changes.length === 0 && fingerprint !== undefined;
    const manifest: Manifest = { ...(clean ? { inputs: fingerprint } : {}), files: generated.files, handlers: handlers.entries };
    const manifestPath = `${generatedDir}/${MANIFEST_NAME}`;
    const lockChanges = lockChange(lockPath, lockText, lock, model);
    // The committed manifest is output like any other: `--check` fails when it is stale.
    const manifestChanges = textChange(manifestPath, await host.readText(manifestPath), serializeManifest(manifest));
    return {
      ...result,
      changes: [...generated.changes, ...handlers.changes, ...lockChanges, ...manifestChanges].sort((a, b) => (a.path < b.path ? -1 : 1)),
      manifest: { path: manifestPath, value: manifest },
      appended: handlers.appended,
      migrationDrift: drift.changes,
    };
  } finally {
    await fmt.close();
  }
}

/** The formatter of the generated files: none (canonical style, as emitted) unless `output.format: prettier`. */
function outputFormatter(config: ProjectConfig, formatter: Formatter): Formatter | undefined {
  return config.output.format === "prettier" ? formatter : undefined;
}

/**
 * The schema changes no migration captures. A project without migrations does not use them
 * (yet): that is not drift, or `generate --check` would fail every new project's CI.
 */
async function migrationDriftOf(host: Host, config: ProjectConfig, model: Model) {
  const folder = await host.stat(config.output.migrations);
  if (!folder) return { changes: [], diagnostics: [] };
  const drift = await migrationDrift(model, config, host);
  return { changes: drift.changes, diagnostics: drift.diagnostics };
}

/**
 * The event lock after this generation (docs/evolution.md): entries are added, or widened by a
 * compatible change, never dropped. An unreadable lock is left alone for `fluvius breaking`
 * to report.
 */
function lockChange(path: string, before: string | undefined, previous: EventLock | undefined, model: Model): Change[] {
  if (before !== undefined && previous === undefined) return [];
  return textChange(path, before, serializeLock(nextLock(previous, model)));
}

/** Creating or updating a file to `after`, if it is not that already. */
function textChange(path: string, before: string | undefined, after: string): Change[] {
  if (after === before) return [];
  return [before === undefined ? { kind: "create", path, after } : { kind: "update", path, before, after }];
}

/** The lock in its file's text, if there is one and it reads. */
function lockOf(text: string | undefined): EventLock | undefined {
  const lock = text === undefined ? undefined : parseLock(text);
  return lock === undefined || "problem" in lock ? undefined : lock;
}

/**
 * Writes the plan: every change (atomically, file by file; the committed manifest among
 * them), then the local cache, with the stat of each written file so the next run need not
 * read it. Returns whether the committed manifest changed.
 */
/** Writes the plan; `progress` hears each file written (a counter on a terminal). */
export async function applyGeneration(host: Host, plan: GeneratePlan, progress?: (done: number, total: number) => void): Promise<{ manifestWritten: boolean }> {
  await applyChanges(host, plan.changes, progress);
  if (!plan.manifest || !plan.config) return { manifestWritten: false };
  const { root, output } = plan.config;
  const { generated, handlers } = output;
  const files = { ...plan.manifest.value.files };
  const handlerEntries = { ...plan.manifest.value.handlers };
  const written = plan.changes.filter((change) => change.kind !== "delete");
  const stamps = await Promise.all(written.map(async (change) => stampOf(await host.stat(change.path))));
  for (const [index, change] of written.entries()) {
    const stamp = stamps[index];
    if (stamp === undefined) continue;
    const inGenerated = change.path.startsWith(`${generated}/`) ? change.path.slice(generated.length + 1) : undefined;
    const inHandlers = change.path.startsWith(`${handlers}/`) ? change.path.slice(handlers.length + 1) : undefined;
    if (inGenerated !== undefined && files[inGenerated]) files[inGenerated] = { ...files[inGenerated], stamp };
    else if (inHandlers !== undefined && handlerEntries[inHandlers]) handlerEntries[inHandlers] = { ...handlerEntries[inHandlers], stamp };
  }
  const outputs = await outputStamps(host, plan.config);
  const inputs = plan.manifest.value.inputs === undefined ? {} : { inputs: plan.manifest.value.inputs };
  const cachePath = resolvePath(root, CACHE_PATH);
  const cache = serializeCache({ ...inputs, files, handlers: handlerEntries, outputs });
  if (cache !== (await host.readText(cachePath))) await host.writeFile(cachePath, cache);
  return { manifestWritten: plan.changes.some((change) => change.path === plan.manifest?.path) };
}

/** The stamps of the manifest and the lock as this run leaves them (a missing one has none, so the next run does not skip). */
async function outputStamps(host: Host, config: ProjectConfig): Promise<Record<string, string>> {
  const paths = outputsOf(config);
  const stamps = await Promise.all(paths.map(async (p) => stampOf(await host.stat(resolvePath(config.root, p)))));
  return Object.fromEntries(paths.flatMap((p, i) => (stamps[i] === undefined ? [] : [[p, stamps[i]]])));
}

/** Spec files of each domain, relative to the project root (stable across machines). */
function sourcesByDomain(domains: NonNullable<Awaited<ReturnType<typeof compile>>["domains"]>, root: string): Map<string, string[]> {
  return new Map(domains.map((d) => [d.name, d.files.map((f) => displayPath(root, f.file.path))]));
}
