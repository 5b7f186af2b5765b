import { createHash } from "node:crypto";
import type { FileStat, Host } from "../host/host.js";
import { resolvePath } from "../host/paths.js";

/**
 * Written into output.generated and committed: the files fluvius made there and the hash of
 * what it wrote, so it deletes only those and notices a hand edit. Only what is the same on
 * every machine: paths and content hashes (docs/generate.md, "What is committed").
 */
export const MANIFEST_NAME = ".fluvius-manifest.json";

/**
 * Machine-local, under the project's ignored .fluvius/: what makes a run without changes
 * fast — file stamps, input hashes, what fluvius last saw of the hand-written modules. Losing
 * it costs one full run, never a different result.
 */
export const CACHE_PATH = ".fluvius/generate.json";

export interface ManifestEntry {
  /** Hash of what the file was made from (local): unchanged input means no need to render or format again. */
  readonly source?: string;
  /** Hash of what was written (committed): a different file on disk means a person edited it. */
  readonly written: string;
  /** Size and modification time after writing (local): while they hold, the file is not even read. */
  readonly stamp?: string;
}

/** What fluvius last saw of a hand-written module (local), so an unchanged one is not parsed again. */
export interface HandlerEntry {
  /** Hash of the module's text. */
  readonly content: string;
  /** Size and modification time when last seen: while they hold, the module is not read. */
  readonly stamp?: string;
  /** Hash of the stubs the spec asked for. */
  readonly stubs: string;
  /** Functions the spec no longer asks for, warned about on every run until they are removed. */
  readonly orphans?: readonly { readonly name: string; readonly line: number; readonly column: number }[];
}

/** The committed manifest and the local cache, read together. */
export interface Manifest {
  /** The inputs of the last generation, when it ended without a diagnostic (see generate/fingerprint.ts). */
  readonly inputs?: string;
  /** Paths relative to the generated folder. */
  readonly files: Readonly<Record<string, ManifestEntry>>;
  /** Hand-written modules by path relative to the handlers folder. */
  readonly handlers: Readonly<Record<string, HandlerEntry>>;
  /**
   * Stamps of the other files the last run left (the manifest itself, fluvius.lock.json), by
   * path relative to the project root: the fast path checks they are still there, untouched.
   */
  readonly outputs?: Readonly<Record<string, string>>;
}

/** What `stat` says of a file, compared to tell that nobody touched it. */
export function stampOf(stat: FileStat | undefined): string | undefined {
  return stat?.kind === "file" ? `${stat.size}:${stat.mtimeMs}` : undefined;
}

export function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The committed manifest with the local cache laid over it. A cached entry counts only while
 * its `written` is the committed one: after a pull that changed a generated file, the file is
 * looked at again. Either file missing or damaged only costs work, never a wrong answer.
 */
export async function readManifest(host: Host, root: string, generatedDir: string): Promise<Manifest> {
  const [committed, cache] = await Promise.all([host.readText(`${generatedDir}/${MANIFEST_NAME}`), host.readText(resolvePath(root, CACHE_PATH))]);
  const written = committed === undefined ? {} : writtenHashes(committed);
  const local = cache === undefined ? undefined : parseCache(cache);
  const files: Record<string, ManifestEntry> = {};
  for (const [path, hash] of Object.entries(written)) {
    const cached = local?.files[path];
    files[path] = cached !== undefined && cached.written === hash ? cached : { written: hash };
  }
  return {
    ...(local?.inputs === undefined ? {} : { inputs: local.inputs }),
    files,
    handlers: local?.handlers ?? {},
    ...(local?.outputs === undefined ? {} : { outputs: local.outputs }),
  };
}

/** Path → hash of what was written, from a manifest of this version or of version 1 (which also held stamps). */
function writtenHashes(text: string): Record<string, string> {
  try {
    const parsed = JSON.parse(text) as { version?: unknown; files?: unknown };
    if (typeof parsed.files !== "object" || parsed.files === null) return {};
    const entries = Object.entries(parsed.files as Record<string, unknown>);
    if (parsed.version === 2) return Object.fromEntries(entries.filter((e): e is [string, string] => typeof e[1] === "string"));
    if (parsed.version === 1) {
      return Object.fromEntries(
        entries.flatMap(([path, entry]) => (isObject(entry) && typeof entry["written"] === "string" ? [[path, entry["written"]]] : [])),
      );
    }
  } catch {
    // A damaged manifest only costs us the knowledge of what we made; start over.
  }
  return {};
}

function parseCache(text: string): Manifest | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<Manifest> & { version?: unknown };
    if (parsed.version !== 1 || !isObject(parsed.files) || !isObject(parsed.handlers)) return undefined;
    return {
      ...(typeof parsed.inputs === "string" ? { inputs: parsed.inputs } : {}),
      files: parsed.files,
      handlers: parsed.handlers,
      ...(isObject(parsed.outputs) ? { outputs: parsed.outputs } : {}),
    };
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Readonly<Record<string, never>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const sorted = <T>(record: Readonly<Record<string, T>>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));

/** The committed manifest: paths and content hashes, sorted; the same text on every machine for the same output. */
export function serializeManifest(manifest: Manifest): string {
  const files = Object.fromEntries(Object.entries(manifest.files).map(([path, entry]) => [path, entry.written]));
  return `${JSON.stringify({ version: 2, files: sorted(files) }, null, 2)}\n`;
}

/** The local cache: everything else. */
export function serializeCache(manifest: Manifest): string {
  const inputs = manifest.inputs === undefined ? {} : { inputs: manifest.inputs };
  const outputs = manifest.outputs === undefined ? {} : { outputs: sorted(manifest.outputs) };
  return `${JSON.stringify({ version: 1, ...inputs, files: sorted(manifest.files), handlers: sorted(manifest.handlers), ...outputs })}\n`;
}
