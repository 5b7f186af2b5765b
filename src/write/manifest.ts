import { createHash } from "node:crypto";
import type { Host } from "../host/host.js";

/** Written into output.generated: the files fluvius made there, so it deletes only those. */
export const MANIFEST_NAME = ".fluvius-manifest.json";

export interface ManifestEntry {
  /** Hash of the emitted text before formatting: unchanged input means no need to format again. */
  readonly source: string;
  /** Hash of what was written: a different file on disk means a person edited it. */
  readonly written: string;
}

export interface Manifest {
  readonly version: 1;
  /** Paths relative to the generated folder, sorted. */
  readonly files: Readonly<Record<string, ManifestEntry>>;
}

export function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export async function readManifest(host: Host, generatedDir: string): Promise<Manifest> {
  const path = `${generatedDir}/${MANIFEST_NAME}`;
  if (!(await host.stat(path))) return { version: 1, files: {} };
  try {
    const parsed = JSON.parse(new TextDecoder().decode(await host.readFile(path))) as Partial<Manifest>;
    if (parsed.version === 1 && parsed.files && typeof parsed.files === "object") return { version: 1, files: parsed.files };
  } catch {
    // A damaged manifest only costs us the knowledge of what we made; start over.
  }
  return { version: 1, files: {} };
}

export function serializeManifest(manifest: Manifest): string {
  const files = Object.fromEntries(Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : 1)));
  return `${JSON.stringify({ version: 1, files }, null, 2)}\n`;
}
