/**
 * Everything the compiler does to the outside world goes through a Host, so tests run the
 * whole pipeline in memory and `generate --check` can diff instead of writing.
 * Paths are absolute and use forward slashes.
 */
export interface Host {
  /** The folder relative paths are resolved against and shown relative to. */
  readonly cwd: string;
  /** undefined when nothing exists at the path. */
  stat(path: string): Promise<FileStat | undefined>;
  /** Throws a HostError when the file cannot be read (the loader turns it into a diagnostic). */
  readFile(path: string): Promise<Uint8Array>;
  /** A UTF-8 text file, or undefined when nothing is there (other failures throw a HostError). */
  readText(path: string): Promise<string | undefined>;
  /** Files under `root` matching the globs (relative to root), sorted, absolute. */
  glob(root: string, patterns: readonly string[]): Promise<string[]>;
  /** Writes atomically: a crash never leaves a half-written file. Creates folders. */
  writeFile(path: string, content: string): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  removeFile(path: string): Promise<void>;
}

export interface FileStat {
  readonly kind: "file" | "directory" | "other";
  readonly size: number;
  /** Last modification, in milliseconds: with the size, tells an untouched file without reading it. */
  readonly mtimeMs: number;
}

/** An I/O failure with the operating system's reason, e.g. "permission denied". */
export class HostError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "HostError";
  }
}
