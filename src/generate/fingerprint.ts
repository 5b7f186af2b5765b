import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import type { Host } from "../host/host.js";
import type { ProjectConfig } from "../load/config.js";
import { discoverSpecFiles } from "../load/discover.js";
import { templatesFingerprint } from "../templates/render.js";
import type { Formatter } from "../write/format.js";
import { MANIFEST_NAME, type Manifest, stampOf } from "../write/manifest.js";
import { LOCK_NAME } from "../breaking/lock.js";
import { displayPath, resolvePath } from "../host/paths.js";

/** This build of fluvius: a new version (or a rebuilt compiler) re-does everything once. */
const compilerStamp = (() => {
  const stat = statSync(fileURLToPath(import.meta.url));
  return `${stat.size}:${stat.mtimeMs}`;
})();

/**
 * A hash of everything a generation is made from: the spec files, fluvius.yaml, the
 * migrations folder's listing, the prettier settings (with `output.format: prettier`), the templates and fluvius itself,
 * and how many characters of spec text there are (a hint of how big the generation will be).
 * Undefined when the specs cannot even be found (the full run reports why).
 */
export async function inputsFingerprint(
  host: Host,
  config: ProjectConfig,
  /** Only with `output.format: prettier`: its settings are an input then. */
  formatter: Formatter | undefined,
): Promise<{ readonly hash: string; readonly specCharacters: number } | undefined> {
  const diagnostics = new DiagnosticCollector();
  const paths = await discoverSpecFiles(host, config, [], diagnostics);
  if (diagnostics.hasErrors()) return undefined;
  const hash = createHash("sha256").update(compilerStamp).update(templatesFingerprint());
  // Canonical output does not depend on prettier: its settings are read (and prettier loaded) only when asked to format.
  hash.update(formatter === undefined ? "canonical" : await formatter.fingerprint());
  hash.update(JSON.stringify(config, (key, value: unknown) => (key === "file" ? undefined : value)));
  if (config.file) hash.update(config.file.text);
  const texts = await Promise.all(paths.map((p) => host.readText(p)));
  paths.forEach((p, i) => hash.update(`\0${p}\0`).update(texts[i] ?? ""));
  const specCharacters = texts.reduce((sum, text) => sum + (text?.length ?? 0), 0);
  const migrations = await host.glob(config.output.migrations, ["**/*"]);
  const stats = await Promise.all(migrations.map((p) => host.stat(p)));
  migrations.forEach((p, i) => hash.update(`\0${p}\0${stampOf(stats[i]) ?? ""}`));
  return { hash: hash.digest("hex"), specCharacters };
}

/**
 * The files a generation leaves besides the generated and hand-written ones, relative to the
 * project root: the committed manifest and the event lock. The fast path checks them too, so
 * a deleted lock or manifest is made again by the next run.
 */
export function outputsOf(config: ProjectConfig): string[] {
  return [displayPath(config.root, `${config.output.generated}/${MANIFEST_NAME}`), LOCK_NAME];
}

/**
 * Whether the last generation was made from exactly these inputs, ended without a single
 * diagnostic, and left every file it wrote untouched since (by size and modification time):
 * then there is nothing to do, and nothing needs parsing, checking or rendering.
 */
export async function unchangedSince(host: Host, config: ProjectConfig, manifest: Manifest, fingerprint: string): Promise<boolean> {
  if (manifest.inputs !== fingerprint) return false;
  const recorded = [
    ...Object.entries(manifest.files).map(([p, e]) => [`${config.output.generated}/${p}`, e.stamp] as const),
    ...Object.entries(manifest.handlers).map(([p, e]) => [`${config.output.handlers}/${p}`, e.stamp] as const),
    ...outputsOf(config).map((p) => [resolvePath(config.root, p), manifest.outputs?.[p]] as const),
  ];
  const stats = await Promise.all(recorded.map(([p]) => host.stat(p)));
  return recorded.every(([, stamp], i) => stamp !== undefined && stamp === stampOf(stats[i]));
}
