import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";

/** NODE_OPTIONS under which importing prettier throws (test/helpers/forbid-prettier). */
const withoutPrettier = { NODE_OPTIONS: `--import=${pathToFileURL(path.join(import.meta.dirname, "../helpers/forbid-prettier/register.mjs")).href}` };

const accountModule = "src/generated/banking/account.ts";
const handlerModule = "src/domain/banking/account.ts";

/** A project made by `fluvius init`, generated once (its hand-written modules exist). */
function generatedProject(env: Record<string, string> = {}): string {
  const base = mkdtempSync(path.join(tmpdir(), "fluvius-format-"));
  const dir = path.join(base, "app");
  expect(runCli(["init", dir], { cwd: base }).status).toBe(0);
  const first = runCli(["generate"], { cwd: dir, env });
  expect(first.status, first.stdout + first.stderr).toBe(0);
  return dir;
}

function setFormat(dir: string, format: "canonical" | "prettier"): void {
  const file = path.join(dir, "fluvius.yaml");
  const text = readFileSync(file, "utf8");
  expect(text).toMatch(/^ {2}format: \w+/m);
  writeFileSync(file, text.replace(/^ {2}format: \w+/m, `  format: ${format}`));
}

describe("generated code is printed in the canonical style, without a formatter", () => {
  test("a project without a prettier config: the first generation (stubs too), a full one again and `--check` never load prettier", () => {
    const dir = generatedProject(withoutPrettier);
    expect(readFileSync(path.join(dir, handlerModule), "utf8")).toContain("export const handleOpenAccount: types.OpenAccountHandler = ({ payload }) => {");
    rmSync(path.join(dir, "src/generated"), { recursive: true });
    const again = runCli(["generate"], { cwd: dir, env: withoutPrettier });
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(readFileSync(path.join(dir, accountModule), "utf8")).toContain("export const aggregate = defineAggregate<");
    const check = runCli(["generate", "--check"], { cwd: dir, env: withoutPrettier });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  test("with a prettier config, only a run that writes a stub loads prettier; a run of generated files only does not", () => {
    const base = mkdtempSync(path.join(tmpdir(), "fluvius-format-"));
    const dir = path.join(base, "app");
    expect(runCli(["init", dir], { cwd: base }).status).toBe(0);
    writeFileSync(path.join(dir, ".prettierrc"), '{ "singleQuote": true }\n');
    // The guard works: the first run writes the stubs in the project's style, so it needs prettier.
    const guarded = runCli(["generate"], { cwd: dir, env: withoutPrettier });
    expect(guarded.status).not.toBe(0);
    expect(guarded.stdout + guarded.stderr).toContain("prettier was loaded");
    expect(runCli(["generate"], { cwd: dir }).status).toBe(0);
    rmSync(path.join(dir, "src/generated"), { recursive: true });
    const again = runCli(["generate"], { cwd: dir, env: withoutPrettier });
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(readFileSync(path.join(dir, accountModule), "utf8")).toContain('from "@fluvius/runtime"');
  });

  test("the guard works: with `output.format: prettier` the same run loads prettier and fails under it", () => {
    const dir = generatedProject();
    setFormat(dir, "prettier");
    const run = runCli(["generate"], { cwd: dir, env: withoutPrettier });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toContain("prettier was loaded");
  });

  test("`output.format: prettier` formats generated files with the project's prettier config; back to canonical rewrites them", () => {
    const dir = generatedProject();
    const canonical = readFileSync(path.join(dir, accountModule), "utf8");
    expect(canonical).toContain('domain: "banking"');
    writeFileSync(path.join(dir, ".prettierrc"), '{ "singleQuote": true, "printWidth": 120 }\n');
    setFormat(dir, "prettier");
    const styled = runCli(["generate"], { cwd: dir });
    expect(styled.status, styled.stdout + styled.stderr).toBe(0);
    expect(readFileSync(path.join(dir, accountModule), "utf8")).toContain("domain: 'banking'");
    const check = runCli(["generate", "--check"], { cwd: dir });
    expect(check.status, check.stdout + check.stderr).toBe(0);

    setFormat(dir, "canonical");
    const back = runCli(["generate"], { cwd: dir, env: withoutPrettier });
    expect(back.status, back.stdout + back.stderr).toBe(0);
    expect(readFileSync(path.join(dir, accountModule), "utf8")).toBe(canonical);
  });

  test("hand-written stubs follow the project's prettier config, generated code keeps the canonical style", () => {
    const base = mkdtempSync(path.join(tmpdir(), "fluvius-format-"));
    const dir = path.join(base, "app");
    expect(runCli(["init", dir], { cwd: base }).status).toBe(0);
    writeFileSync(path.join(dir, ".prettierrc"), '{ "singleQuote": true }\n');
    const run = runCli(["generate"], { cwd: dir });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(existsSync(path.join(dir, handlerModule))).toBe(true);
    const stubs = readFileSync(path.join(dir, handlerModule), "utf8");
    expect(stubs).toContain("from '../../generated/banking/account.js'");
    expect(stubs).toContain("type: 'account-opened'");
    expect(readFileSync(path.join(dir, accountModule), "utf8")).toContain('from "@fluvius/runtime"');
  });
});

describe("fluvius init keeps the project's prettier off the generated folder", () => {
  test("an existing .prettierignore gets the generated folder added, once; the rest of it is kept", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fluvius-init-ignore-"));
    writeFileSync(path.join(dir, ".prettierignore"), "coverage/\n");
    const first = runCli(["init", "."], { cwd: dir });
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain("updated  .prettierignore: ignores src/generated/");
    const ignore = readFileSync(path.join(dir, ".prettierignore"), "utf8");
    expect(ignore.startsWith("coverage/\n")).toBe(true);
    expect(ignore.split("\n").filter((line) => line === "src/generated/")).toHaveLength(1);
    const again = runCli(["init", "."], { cwd: dir });
    expect(again.stdout).toContain("kept     .prettierignore (ignores src/generated/ already)");
    expect(readFileSync(path.join(dir, ".prettierignore"), "utf8")).toBe(ignore);
  });
});
