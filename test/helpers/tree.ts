import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { updating } from "./fixtures.js";

/** Every file under a folder, by path relative to it. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full).split(path.sep).join("/"), readFileSync(full, "utf8"));
  }
  return files;
}

export function writeTree(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [relative, content] of files) {
    const target = path.join(dir, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/**
 * Compares produced files with a golden tree: a missing, extra or different file fails.
 * With UPDATE=1 the golden tree is replaced by what was produced (review the diff).
 */
export function expectTree(actual: ReadonlyMap<string, string>, expectedDir: string): void {
  if (updating) {
    rmSync(expectedDir, { recursive: true, force: true });
    writeTree(expectedDir, actual);
  }
  const expected = readTree(expectedDir);
  const actualNames = [...actual.keys()].sort();
  const expectedNames = [...expected.keys()].sort();
  expect(actualNames, `files differ from ${expectedDir} (UPDATE=1 npm test rewrites it)`).toEqual(expectedNames);
  for (const name of actualNames) expect(actual.get(name), `${name} differs from the golden copy`).toBe(expected.get(name));
}
