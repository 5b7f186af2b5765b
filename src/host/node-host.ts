import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { glob } from "tinyglobby";
import { type FileStat, type Host, HostError } from "./host.js";
import { toPosix } from "./paths.js";

/**
 * The real file system. File calls are synchronous inside the async interface: the CLI has
 * nothing else to do meanwhile, and for thousands of small files they are several times
 * faster than fs/promises, whose every call is a round trip through the thread pool.
 */
export function nodeHost(cwd: string = process.cwd()): Host {
  return {
    cwd: toPosix(path.resolve(cwd)),
    async stat(p: string): Promise<FileStat | undefined> {
      try {
        const s = statSync(p, { throwIfNoEntry: false });
        if (s === undefined) return undefined;
        return { kind: s.isFile() ? "file" : s.isDirectory() ? "directory" : "other", size: s.size, mtimeMs: s.mtimeMs };
      } catch {
        return undefined;
      }
    },
    async readFile(p: string): Promise<Uint8Array> {
      try {
        return readFileSync(p);
      } catch (error) {
        throw new HostError(p, describeIoError(error));
      }
    },
    async readText(p: string): Promise<string | undefined> {
      try {
        return readFileSync(p, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new HostError(p, describeIoError(error));
      }
    },
    async glob(root: string, patterns: readonly string[]): Promise<string[]> {
      const found = await glob([...patterns], { cwd: root, absolute: true, onlyFiles: true, dot: false, followSymbolicLinks: true });
      return found.map(toPosix).sort();
    },
    async writeFile(p: string, content: string): Promise<void> {
      // Write beside the target, then rename: rename is atomic on POSIX file systems.
      const temp = `${p}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        mkdirSync(path.dirname(p), { recursive: true });
        writeFileSync(temp, content, "utf8");
        renameSync(temp, p);
      } catch (error) {
        rmSync(temp, { force: true });
        throw new HostError(p, describeIoError(error));
      }
    },
    async removeFile(p: string): Promise<void> {
      rmSync(p, { force: true });
    },
  };
}

function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "it is a folder";
    case "ENOSPC":
      return "no space left on the device";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
