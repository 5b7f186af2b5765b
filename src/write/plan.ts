import type { Host } from "../host/host.js";
import { FLUVIUS_VERSION } from "../project/version.js";
import type { FileLanguage, Formatter } from "./format.js";
import { contentHash, type Manifest, type ManifestEntry, stampOf } from "./manifest.js";

/** A file an emitter produces for the generated folder, as the emitter prints it. */
export interface GeneratedFile {
  /** Relative to the generated folder, forward slashes. */
  readonly path: string;
  readonly language: FileLanguage;
  /**
   * A hash of everything the content is made from (model parts, paths, templates). When it
   * and the file on disk are what the manifest recorded, the file is not rendered: a run
   * without changes does almost no work.
   */
  readonly input: string;
  render(): string;
}

export type ChangeKind = "create" | "update" | "delete";

/** One thing `generate` would do to the disk. */
export interface Change {
  readonly kind: ChangeKind;
  /** Absolute. */
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
}

/** A generated file that a person changed (or a file fluvius did not make in its folder). */
export interface Conflict {
  readonly path: string;
  readonly reason: "edited" | "not-ours" | "edited-stale";
}

export interface GeneratedPlan {
  readonly changes: readonly Change[];
  readonly conflicts: readonly Conflict[];
  readonly files: Manifest["files"];
}

/**
 * Compares what the emitters produced with the generated folder. Rendering is skipped for
 * a file whose emitted text and disk content are what the manifest recorded: a run without
 * spec changes renders nothing. Files fluvius made before and no longer needs are deleted;
 * files a person edited are reported as conflicts (and overwritten only with `force`).
 */
export async function planGenerated(options: {
  host: Host;
  generatedDir: string;
  files: readonly GeneratedFile[];
  previous: Manifest;
  /**
   * Only with `output.format: prettier`: formats every rendered file with the project's
   * prettier config. Without it, files are written exactly as the emitters print them
   * (fluvius's canonical style) and prettier is never loaded.
   */
  formatter: Formatter | undefined;
  force: boolean;
}): Promise<GeneratedPlan> {
  const { host, generatedDir, previous, formatter, force } = options;
  const fingerprint = formatter === undefined ? "canonical" : await formatter.fingerprint();
  const changes: Change[] = [];
  const conflicts: Conflict[] = [];
  const entries: Record<string, ManifestEntry> = {};
  // A file whose inputs and stat are what the manifest recorded is not even read.
  const stamps = await Promise.all(options.files.map(async (f) => stampOf(await host.stat(`${generatedDir}/${f.path}`))));
  const untouched = (file: GeneratedFile, index: number, source: string) => {
    const recorded = previous.files[file.path];
    return recorded !== undefined && recorded.source === source && recorded.stamp !== undefined && recorded.stamp === stamps[index];
  };
  // Headers name fluvius's version: a new version makes every file again.
  const sources = options.files.map((f) => contentHash(`${FLUVIUS_VERSION}\n${fingerprint}\n${f.input}`));
  // Read the rest at once: thousands of small files are I/O-bound, not CPU-bound.
  const onDisk = await Promise.all(options.files.map((f, i) => (untouched(f, i, sources[i]!) ? undefined : host.readText(`${generatedDir}/${f.path}`))));

  // First decide which files must be rendered and formatted; then format them all at once.
  const pending: {
    file: GeneratedFile;
    path: string;
    source: string;
    disk: string | undefined;
    recorded: ManifestEntry | undefined;
    stamp: string | undefined;
  }[] = [];
  for (const [index, file] of options.files.entries()) {
    const path = `${generatedDir}/${file.path}`;
    const source = sources[index]!;
    const recorded = previous.files[file.path];
    if (recorded && untouched(file, index, source)) {
      entries[file.path] = recorded;
      continue;
    }
    const disk = onDisk[index];
    if (recorded && recorded.source === source && disk !== undefined && contentHash(disk) === recorded.written) {
      // Touched but not changed (a checkout, say): remember the new stamp.
      const stamp = stamps[index];
      entries[file.path] = stamp === undefined ? recorded : { ...recorded, stamp };
      continue;
    }
    pending.push({ file, path, source, disk, recorded, stamp: stamps[index] });
  }
  // Each result is hashed as it arrives, while the formatting threads are still at work.
  const written: string[] = [];
  const formatted =
    formatter === undefined
      ? pending.map((p, index) => {
          const text = p.file.render();
          written[index] = contentHash(text);
          return text;
        })
      : await formatter.formatAll(
          pending.map((p) => ({ text: () => p.file.render(), language: p.file.language })),
          (index, text) => (written[index] = contentHash(text)),
        );

  for (const [index, { file, path, source, disk, recorded, stamp }] of pending.entries()) {
    const after = formatted[index]!;
    entries[file.path] = { source, written: written[index]! };
    if (disk === undefined) {
      changes.push({ kind: "create", path, after });
      continue;
    }
    if (disk === after) {
      // Made again and the same (a fresh clone, say): the file is untouched, so its stamp holds.
      if (stamp !== undefined) entries[file.path] = { source, written: written[index]!, stamp };
      continue;
    }
    const edited = recorded ? contentHash(disk) !== recorded.written : true;
    if (edited && !force) {
      conflicts.push({ path, reason: recorded ? "edited" : "not-ours" });
      entries[file.path] = recorded ?? entries[file.path]!;
      continue;
    }
    changes.push({ kind: "update", path, before: disk, after });
  }

  const emitted = new Set(options.files.map((f) => f.path));
  for (const [relative, recorded] of Object.entries(previous.files)) {
    if (emitted.has(relative)) continue;
    const path = `${generatedDir}/${relative}`;
    const disk = await host.readText(path);
    if (disk === undefined) continue;
    if (contentHash(disk) !== recorded.written && !force) {
      conflicts.push({ path, reason: "edited-stale" });
      entries[relative] = recorded;
      continue;
    }
    changes.push({ kind: "delete", path, before: disk });
  }
  return { changes, conflicts, files: entries };
}
