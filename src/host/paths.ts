import path from "node:path";

/** Absolute, forward-slash paths everywhere inside the compiler. */
export function resolvePath(base: string, p: string): string {
  return toPosix(path.resolve(base, p));
}

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/** How a path is shown to the user: relative to cwd when inside it. */
export function displayPath(cwd: string, absolute: string): string {
  const rel = toPosix(path.relative(cwd, absolute));
  return rel === "" ? "." : rel.startsWith("../") || path.isAbsolute(rel) ? absolute : rel;
}

export function dirname(p: string): string {
  return toPosix(path.posix.dirname(p));
}

export function joinPath(...parts: string[]): string {
  return path.posix.join(...parts);
}
