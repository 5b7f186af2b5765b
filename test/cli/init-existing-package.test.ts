import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { linkFluvius, repoRoot } from "../helpers/fixtures.js";

/** What `npm init -y` writes. */
const NPM_INIT = {
  name: "my-bank",
  version: "1.0.0",
  main: "index.js",
  scripts: { test: 'echo "Error: no test specified" && exit 1' },
  keywords: [],
  author: "",
  license: "ISC",
  type: "commonjs",
  description: "",
};

describe("fluvius init in a folder with a package.json (after npm init -y)", () => {
  test("merges what the project needs, keeps the user's values, says what changed; the project then type-checks", () => {
    const base = path.join(repoRoot, "test/.tmp");
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(path.join(base, "init-existing-"));
    writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ ...NPM_INIT, scripts: { ...NPM_INIT.scripts, serve: "my-serve" } }, null, 2)}\n`);

    const init = runCli(["init", "."], { cwd: dir });
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain('updated  package.json: changed "type" from "commonjs" to "module"');
    expect(init.stdout).toMatch(/added scripts validate, generate, migrate, typecheck/);
    expect(init.stdout).toMatch(/added dependencies @fluvius\/runtime; added devDependencies fluvius, @types\/node, typescript/);

    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, Record<string, string> | string>;
    expect(pkg.type).toBe("module");
    expect(pkg.name).toBe("my-bank");
    expect(pkg.license).toBe("ISC");
    expect(pkg.scripts).toMatchObject({ test: NPM_INIT.scripts.test, serve: "my-serve", generate: "fluvius generate", typecheck: "tsc --noEmit" });
    expect(pkg.dependencies).toHaveProperty("@fluvius/runtime");
    expect(pkg.devDependencies).toHaveProperty("fluvius");

    // As after `npm install`: fluvius and the type packages resolve from the project.
    linkFluvius(dir);
    symlinkSync(path.join(repoRoot, "node_modules/@types"), path.join(dir, "node_modules/@types"), "dir");
    expect(runCli(["generate"], { cwd: dir }).status).toBe(0);
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", dir], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);

    const again = runCli(["init", "."], { cwd: dir });
    expect(again.stdout).toContain("kept     package.json (has what the project needs)");
  });

  test("a package.json that is not JSON: refused with what to change, exit 1", () => {
    const dir = mkdtempSync(path.join(repoRoot, "test/.tmp", "init-broken-"));
    writeFileSync(path.join(dir, "package.json"), "{ name: oops");
    const init = runCli(["init", "."], { cwd: dir });
    expect(init.stderr).toContain("fluvius: package.json is not valid JSON");
    expect(init.stderr).not.toContain("bug in fluvius");
    expect(init.status).toBe(1);
  });
});
