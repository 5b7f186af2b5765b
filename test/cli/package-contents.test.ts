/**
 * What `npm pack` would publish, for both packages of the repository: the CLI (`fluvius`) and
 * the runtime (`@fluvius/runtime`). The licence, source maps that resolve (each carries its
 * source, since the packages ship dist/ without src/), and the split itself: the runtime
 * carries none of the generator's tooling. npm test builds dist/ first.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { repoRoot } from "../helpers/fixtures.js";

interface Packed {
  readonly files: readonly { readonly path: string }[];
}

interface Manifest {
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const runtimeRoot = path.join(repoRoot, "packages/runtime");
const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;
const packedFiles = (dir: string) =>
  new Set(
    (JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir, encoding: "utf8" })) as Packed[])[0]!.files.map(
      (f) => f.path,
    ),
  );

describe.each([
  { name: "fluvius", dir: repoRoot, minMaps: 100 },
  { name: "@fluvius/runtime", dir: runtimeRoot, minMaps: 50 },
])("the published package $name", ({ dir, minMaps }) => {
  const files = packedFiles(dir);

  test("carries the licence and the README, and no TypeScript source (but the scaffold's templates)", () => {
    expect(files.has("LICENSE")).toBe(true);
    expect(files.has("README.md")).toBe(true);
    expect([...files].filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.startsWith("templates/"))).toEqual([]);
  });

  test("every source map resolves: its sources are in the package or inside the map", () => {
    const maps = [...files].filter((f) => f.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(minMaps);
    const broken: string[] = [];
    for (const map of maps) {
      const parsed = JSON.parse(readFileSync(path.join(dir, map), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      parsed.sources.forEach((source, index) => {
        const shipped = files.has(path.posix.join(path.posix.dirname(map), source));
        if (!shipped && typeof parsed.sourcesContent?.[index] !== "string") broken.push(`${map} → ${source}`);
      });
    }
    expect(broken).toEqual([]);
  });
});

describe("the split between the CLI and the runtime", () => {
  const cli = manifestOf(repoRoot);
  const runtime = manifestOf(runtimeRoot);

  test("they are versioned together: the CLI depends on exactly its own version of the runtime", () => {
    expect(runtime.version).toBe(cli.version);
    expect(cli.dependencies?.["@fluvius/runtime"]).toBe(cli.version);
  });

  test("the runtime depends on none of the generator's tooling, and on PGlite only as an optional peer", () => {
    const tooling = [
      "prettier",
      "ts-morph",
      "typescript",
      "handlebars",
      "@oclif/core",
      "esbuild",
      "tsx",
      "yaml",
      "vscode-languageserver",
      "@electric-sql/pglite",
    ];
    expect(Object.keys(runtime.dependencies ?? {}).filter((d) => tooling.includes(d))).toEqual([]);
    expect(runtime.peerDependencies).toHaveProperty("@electric-sql/pglite");
    expect(runtime.peerDependenciesMeta?.["@electric-sql/pglite"]?.optional).toBe(true);
  });

  test("the CLI's package does not carry a second copy of the runtime", () => {
    const files = packedFiles(repoRoot);
    expect([...files].filter((f) => f.startsWith("dist/runtime/") || f.startsWith("dist/http/"))).toEqual([]);
  });
});
