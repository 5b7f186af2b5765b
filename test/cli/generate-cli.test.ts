import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { syntheticSpec } from "../../bench/synthetic-spec.js";
import { runCli } from "../helpers/cli.js";
import { readTree } from "../helpers/tree.js";
import { typecheck } from "../helpers/typecheck.js";

function newProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fluvius-gen-"));
  expect(runCli(["init", "."], { cwd: dir }).status).toBe(0);
  return dir;
}

/** Sets `output.format: prettier` in the project's fluvius.yaml (as `fluvius init` wrote it). */
function usePrettier(dir: string): void {
  const file = path.join(dir, "fluvius.yaml");
  const text = readFileSync(file, "utf8");
  expect(text).toContain("  format: canonical");
  writeFileSync(file, text.replace("  format: canonical", "  format: prettier"));
}

describe("fluvius generate in a project made by fluvius init", () => {
  test("generates code that compiles; a second run changes nothing; --check passes, then fails with a diff after a spec edit", () => {
    const dir = newProject();
    const first = runCli(["generate"], { cwd: dir });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("create  src/generated/banking/account.ts");
    expect(first.stdout).toContain("create  src/domain/banking/account.ts");

    const compiled = typecheck(new Map([["project", readTree(path.join(dir, "src"))]]));
    expect(compiled.output).toBe("");

    const second = runCli(["generate"], { cwd: dir });
    expect(second.stdout).toContain("everything is up to date");
    expect(runCli(["generate", "--check"], { cwd: dir }).status).toBe(0);

    const spec = path.join(dir, "domains/banking.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("      tags: string[]\n", "      tags: string[]\n      nickname: string?\n"));
    const before = readFileSync(path.join(dir, "src/generated/banking/account.ts"), "utf8");
    const check = runCli(["generate", "--check"], { cwd: dir });
    expect(check.status).toBe(1);
    expect(check.stdout).toContain("+++ b/src/generated/banking/account.ts");
    expect(check.stdout).toMatch(/^\+\s+nickname\?: string \| undefined;$/m);
    expect(check.stderr).toContain("out of date");
    expect(readFileSync(path.join(dir, "src/generated/banking/account.ts"), "utf8")).toBe(before);

    const dry = runCli(["generate", "--dry-run"], { cwd: dir });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain("update  src/generated/banking/account.ts");
    expect(readFileSync(path.join(dir, "src/generated/banking/account.ts"), "utf8")).toBe(before);
  }, 60_000);

  test("--check also fails when the specs changed the schema and no migration captures it", () => {
    const dir = newProject();
    expect(runCli(["generate"], { cwd: dir }).status).toBe(0);
    // Without migrations the project does not use them yet: not drift.
    expect(runCli(["generate", "--check"], { cwd: dir }).status).toBe(0);
    expect(runCli(["migrate", "new", "init"], { cwd: dir }).status).toBe(0);
    expect(runCli(["generate", "--check"], { cwd: dir }).status).toBe(0);

    const spec = path.join(dir, "domains/banking.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("      tags: string[]\n", "      tags: string[]\n      nickname: string?\n"));
    const generated = runCli(["generate"], { cwd: dir });
    expect(generated.stdout).toContain("fluvius migrate new");
    const check = runCli(["generate", "--check"], { cwd: dir });
    expect(check.status).toBe(1);
    expect(check.stdout).toContain("no migration captures it");
    expect(check.stdout).toContain("nickname");
    expect(runCli(["migrate", "new", "add-nickname"], { cwd: dir }).status).toBe(0);
    expect(runCli(["generate", "--check"], { cwd: dir }).status).toBe(0);
  }, 60_000);

  test("generated code is in the canonical style whatever the project's prettier configuration; `output.format: prettier` honours it", () => {
    const dir = newProject();
    writeFileSync(path.join(dir, ".prettierrc"), JSON.stringify({ semi: false, singleQuote: true }));
    expect(runCli(["generate"], { cwd: dir }).status).toBe(0);
    const canonical = readFileSync(path.join(dir, "src/generated/banking/account.ts"), "utf8");
    expect(canonical).toContain('} from "@fluvius/runtime";\n');
    usePrettier(dir);
    expect(runCli(["generate"], { cwd: dir }).status).toBe(0);
    const generated = readFileSync(path.join(dir, "src/generated/banking/account.ts"), "utf8");
    expect(generated).toContain("} from '@fluvius/runtime'\n");
    expect(generated).not.toMatch(/;\n/);
  });

  test("specs with errors: exit 1, the diagnostics, and nothing written", () => {
    const dir = newProject();
    const spec = path.join(dir, "domains/banking.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("emits: deposit-made", "emits: deposit-mad"));
    // `init` wrote the production entry point (src/main.ts); generate adds nothing to it.
    const scaffold = readTree(path.join(dir, "src"));
    expect([...scaffold.keys()]).toEqual(["main.ts"]);
    const result = runCli(["generate"], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("error unknown-event");
    expect(result.stderr).toContain("nothing was generated");
    expect(readTree(path.join(dir, "src"))).toEqual(scaffold);
  });

  // 40 aggregates: over 64 KB of spec (threads start while it compiles) and over 48 files (formatted in threads).
  function bigProject(): string {
    const dir = newProject();
    for (const file of syntheticSpec({ aggregates: 40 }).files) {
      const target = path.join(dir, "domains", ...file.path.split("/"));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.content);
    }
    return dir;
  }

  test("with `output.format: prettier`, a big project is formatted in threads with the project's prettier configuration", () => {
    const dir = bigProject();
    usePrettier(dir);
    writeFileSync(path.join(dir, ".prettierrc"), JSON.stringify({ semi: false, singleQuote: true }));
    const scaffold = readTree(path.join(dir, "src"));
    const result = runCli(["generate"], { cwd: dir });
    expect(result.status, result.stderr).toBe(0);
    const tree = readTree(path.join(dir, "src"));
    expect(tree.size).toBeGreaterThan(80);
    for (const [name, text] of tree) {
      // Only what generate wrote: init's src/main.ts was written before the project had a prettier config.
      if (!name.endsWith(".ts") || scaffold.has(name)) continue;
      const code = text.split("\n").filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line));
      expect(
        code.filter((line) => line.endsWith(";")),
        name,
      ).toEqual([]);
      expect(
        code.filter((line) => line.includes('from "')),
        name,
      ).toEqual([]);
      if (/-\d{4}\.ts$/.test(name))
        expect(
          code.some((line) => line.includes("from '")),
          name,
        ).toBe(true);
    }
    expect(runCli(["generate", "--check"], { cwd: dir }).status).toBe(0);
  }, 60_000);

  test("a big project with an error: exit 1 at once, the diagnostic, nothing written (threads started early do not hold the process)", () => {
    const dir = bigProject();
    const spec = path.join(dir, "domains/banking.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("emits: deposit-made", "emits: deposit-mad"));
    const scaffold = readTree(path.join(dir, "src"));
    const result = runCli(["generate"], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("error unknown-event");
    expect(readTree(path.join(dir, "src"))).toEqual(scaffold);
  }, 60_000);
});
