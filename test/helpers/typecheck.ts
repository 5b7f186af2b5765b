import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./fixtures.js";
import { writeTree } from "./tree.js";

/** The settings generated code must compile under: strict, and stricter than most projects. */
export const STRICT_COMPILER_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitReturns: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  noEmit: true,
  skipLibCheck: true,
  types: ["node"],
  typeRoots: [path.join(repoRoot, "node_modules/@types")],
};

/**
 * Type-checks trees of TypeScript with `tsc`. The project is placed inside the repository so
 * that `@fluvius/runtime` resolves to this package (a self-reference through its exports,
 * i.e. the built dist/; `npm test` builds first). Returns tsc's output and exit status.
 */
export function typecheck(trees: ReadonlyMap<string, ReadonlyMap<string, string>>): { status: number; output: string } {
  const base = path.join(repoRoot, "test/.tmp");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, "typecheck-"));
  for (const [folder, files] of trees) writeTree(path.join(dir, folder), files);
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: STRICT_COMPILER_OPTIONS, include: ["**/*.ts"] }, null, 2));
  const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" });
  rmSync(dir, { recursive: true, force: true });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}`.replaceAll(`${path.relative(process.cwd(), dir)}/`, "") };
}
