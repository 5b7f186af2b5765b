import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

/**
 * The embedded database (PGlite) is a folder only one process may open: PGlite has no
 * server to arbitrate, and two processes writing the same files corrupt them. Whoever
 * opens it takes `<dataDir>.lock` (created exclusively, holding who took it) and removes it
 * when done. A lock whose process is gone (same host, pid no longer alive) is taken over.
 */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly command: string;
  readonly since: string;
}

export type LockResult =
  { readonly ok: true; readonly lockPath: string; release(): void } | { readonly ok: false; readonly lockPath: string; readonly holder?: LockHolder };

export function lockPathOf(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, "")}.lock`;
}

/** Takes the lock of an embedded database folder, or says who holds it. Never waits. */
export function lockEmbeddedDatabase(dataDir: string, command: string): LockResult {
  const lockPath = lockPathOf(dataDir);
  mkdirSync(path.dirname(lockPath), { recursive: true });
  const me: LockHolder = { pid: process.pid, hostname: hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
      } finally {
        closeSync(fd);
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.on("exit", release);
      return { ok: true, lockPath, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readHolder(lockPath);
      if (holder && !isStale(holder)) return { ok: false, lockPath, holder };
      if (!holder && attempt === 0 && isFresh(lockPath)) return { ok: false, lockPath };
      // Stale (its process is gone) or unreadable: take it over once.
      try {
        unlinkSync(lockPath);
      } catch {
        // someone else removed it first; try again
      }
    }
  }
  const holder = readHolder(lockPath);
  return { ok: false, lockPath, ...(holder ? { holder } : {}) };
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return "another process";
  return `\`${holder.command}\` (pid ${holder.pid}${holder.hostname === hostname() ? "" : ` on ${holder.hostname}`}, since ${holder.since})`;
}

function readHolder(lockPath: string): LockHolder | undefined {
  try {
    const data = JSON.parse(readFileSync(lockPath, "utf8")) as Partial<LockHolder>;
    if (typeof data.pid === "number" && typeof data.hostname === "string") {
      return { pid: data.pid, hostname: data.hostname, command: String(data.command ?? "fluvius"), since: String(data.since ?? "?") };
    }
  } catch {
    // being written, or garbage
  }
  return undefined;
}

/** Only a lock of this host can be judged: its process is gone when signal 0 finds no such pid. */
function isStale(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** A lock file without readable content may be being written right now: leave it alone for a moment. */
function isFresh(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs < 5_000;
  } catch {
    return false;
  }
}
