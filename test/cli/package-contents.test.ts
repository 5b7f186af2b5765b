/**
 * What `npm pack` would publish: the licence, and source maps that resolve (each carries its
 * source, since the package ships dist/ without src/). npm test builds dist/ first.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { repoRoot } from "../helpers/fixtures.js";

interface Packed {
  readonly files: readonly { readonly path: string }[];
}

describe("the published package", () => {
  const packed = (JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: repoRoot, encoding: "utf8" })) as Packed[])[0]!;
  const files = new Set(packed.files.map((f) => f.path));

  test("carries the licence and the README", () => {
    expect(files.has("LICENSE")).toBe(true);
    expect(files.has("README.md")).toBe(true);
  });

  test("every source map resolves: its sources are in the package or inside the map", () => {
    const maps = [...files].filter((f) => f.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(100);
    const broken: string[] = [];
    for (const map of maps) {
      const parsed = JSON.parse(readFileSync(path.join(repoRoot, map), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      parsed.sources.forEach((source, index) => {
        const shipped = files.has(path.posix.join(path.posix.dirname(map), source));
        if (!shipped && typeof parsed.sourcesContent?.[index] !== "string") broken.push(`${map} → ${source}`);
      });
    }
    expect(broken).toEqual([]);
  });
});
