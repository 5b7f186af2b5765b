import picomatch from "picomatch";
import type { FileStat, Host } from "../host/host.js";

/**
 * A host that serves the editor's open documents over another host (the disk): unsaved text
 * is what gets checked. Writes go to the base host; only reads are overlaid.
 */
export function overlayHost(base: Host, open: ReadonlyMap<string, string>, cwd: string = base.cwd): Host {
  const encoder = new TextEncoder();
  return {
    cwd,
    async stat(p: string): Promise<FileStat | undefined> {
      const text = open.get(p);
      if (text !== undefined) return { kind: "file", size: encoder.encode(text).byteLength, mtimeMs: 0 };
      return base.stat(p);
    },
    async readFile(p: string): Promise<Uint8Array> {
      const text = open.get(p);
      return text === undefined ? base.readFile(p) : encoder.encode(text);
    },
    async readText(p: string): Promise<string | undefined> {
      return open.get(p) ?? base.readText(p);
    },
    async glob(root: string, patterns: readonly string[]): Promise<string[]> {
      // A new file the editor has not saved yet is still part of the project.
      const onDisk = await base.glob(root, patterns);
      const unsaved = [...open.keys()].filter((p) => !onDisk.includes(p));
      if (unsaved.length === 0) return onDisk;
      const prefix = root.endsWith("/") ? root : `${root}/`;
      const include = picomatch(patterns.filter((p) => !p.startsWith("!")));
      const excluded = patterns.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
      const exclude = excluded.length > 0 ? picomatch(excluded, { dot: true }) : () => false;
      const extra = unsaved.filter((p) => p.startsWith(prefix) && include(p.slice(prefix.length)) && !exclude(p.slice(prefix.length)));
      return [...onDisk, ...extra].sort();
    },
    writeFile: (p, content) => base.writeFile(p, content),
    removeFile: (p) => base.removeFile(p),
  };
}
