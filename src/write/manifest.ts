import { createHash } from "node:crypto";
import type { FileStat, Host } from "../host/host.js";

/** Written into output.generated: the files fluvius made there, so it deletes only those. */
export const MANIFEST_NAME = ".fluvius-manifest.json";

export interface ManifestEntry {
  /** Hash of what the file was made from: unchanged input means no need to render or format again. */
  readonly source: string;
  /** Hash of what was written: a different file on disk means a person edited it. */
  readonly written: string;
  /** Size and modification time after writing: while they hold, the file is not even read. */
  readonly stamp?: string;
}

/** What fluvius last saw of a hand-written module, so an unchanged one is not parsed again. */
export interface HandlerEntry {
  /** Hash of the module's text. */
  readonly content: string;
  /** Size and modification time when last seen: while they hold, the module is not read. */
  readonly stamp?: string;
  /** Hash of the stubs the spec asked for. */
  readonly stubs: string;
  /** Hash of its hand-written evolve functions, folded into the snapshot key. */
  readonly evolve?: string;
  /** Functions the spec no longer asks for, warned about on every run until they are removed. */
  readonly orphans?: readonly { readonly name: string; readonly line: number; readonly column: number }[];
}

export interface Manifest {
  readonly version: 1;
  /** The inputs of the last generation, when it ended without a diagnostic (see generate/fingerprint.ts). */
  readonly inputs?: string;
  /** Paths relative to the generated folder, sorted. */
  readonly files: Readonly<Record<string, ManifestEntry>>;
  /** Hand-written modules by path relative to the handlers folder. */
  readonly handlers: Readonly<Record<string, HandlerEntry>>;
}

/** What `stat` says of a file, compared to tell that nobody touched it. */
export function stampOf(stat: FileStat | undefined): string | undefined {
  return stat?.kind === "file" ? `${stat.size}:${stat.mtimeMs}` : undefined;
}

export function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export async function readManifest(host: Host, generatedDir: string): Promise<Manifest> {
  const path = `${generatedDir}/${MANIFEST_NAME}`;
  const empty: Manifest = { version: 1, files: {}, handlers: {} };
  const text = await host.readText(path);
  if (text === undefined) return empty;
  try {
    const parsed = JSON.parse(text) as Partial<Manifest>;
    if (parsed.version === 1 && parsed.files && typeof parsed.files === "object") {
      return {
        version: 1,
        ...(typeof parsed.inputs === "string" ? { inputs: parsed.inputs } : {}),
        files: parsed.files,
        handlers: parsed.handlers && typeof parsed.handlers === "object" ? parsed.handlers : {},
      };
    }
  } catch {
    // A damaged manifest only costs us the knowledge of what we made; start over.
  }
  return empty;
}

export function serializeManifest(manifest: Manifest): string {
  const sorted = <T>(record: Readonly<Record<string, T>>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
  const inputs = manifest.inputs === undefined ? {} : { inputs: manifest.inputs };
  return `${JSON.stringify({ version: 1, ...inputs, files: sorted(manifest.files), handlers: sorted(manifest.handlers) }, null, 2)}\n`;
}
