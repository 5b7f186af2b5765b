import picomatch from "picomatch";
import { type FileStat, type Host, HostError } from "./host.js";
import { resolvePath } from "./paths.js";

/** An in-memory file system for tests; `files` is keyed by absolute path. */
export interface MemoryHost extends Host {
  readonly files: Map<string, Uint8Array>;
  text(path: string): string | undefined;
}

export function memoryHost(initial: Record<string, string | Uint8Array> = {}, cwd = "/project"): MemoryHost {
  const files = new Map<string, Uint8Array>();
  // A logical clock stands in for modification times.
  const written = new Map<string, number>();
  let clock = 0;
  const encoder = new TextEncoder();
  for (const [p, content] of Object.entries(initial)) {
    files.set(resolvePath(cwd, p), typeof content === "string" ? encoder.encode(content) : content);
  }
  const isDirectory = (p: string) => [...files.keys()].some((f) => f.startsWith(p.endsWith("/") ? p : `${p}/`));
  return {
    cwd,
    files,
    text(p: string) {
      const bytes = files.get(resolvePath(cwd, p));
      return bytes && new TextDecoder().decode(bytes);
    },
    async stat(p: string): Promise<FileStat | undefined> {
      const bytes = files.get(p);
      if (bytes) return { kind: "file", size: bytes.byteLength, mtimeMs: written.get(p) ?? 0 };
      return isDirectory(p) ? { kind: "directory", size: 0, mtimeMs: 0 } : undefined;
    },
    async readFile(p: string): Promise<Uint8Array> {
      const bytes = files.get(p);
      if (!bytes) throw new HostError(p, "no such file");
      return bytes;
    },
    async readText(p: string): Promise<string | undefined> {
      const bytes = files.get(p);
      return bytes && new TextDecoder().decode(bytes);
    },
    async glob(root: string, patterns: readonly string[]): Promise<string[]> {
      const prefix = root.endsWith("/") ? root : `${root}/`;
      // As in tinyglobby, a pattern starting with "!" excludes what it matches.
      const include = picomatch(
        patterns.filter((p) => !p.startsWith("!")),
        { dot: false },
      );
      const excluded = patterns.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
      const exclude = excluded.length > 0 ? picomatch(excluded, { dot: true }) : () => false;
      return [...files.keys()]
        .filter((f) => f.startsWith(prefix))
        .filter((f) => include(f.slice(prefix.length)) && !exclude(f.slice(prefix.length)))
        .sort();
    },
    async writeFile(p: string, content: string): Promise<void> {
      files.set(p, encoder.encode(content));
      written.set(p, ++clock);
    },
    async removeFile(p: string): Promise<void> {
      files.delete(p);
    },
  };
}
