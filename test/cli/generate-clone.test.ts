import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { replaceStub } from "../helpers/project.js";

/** Runs git in a folder with a fixed identity (the machine's own configuration plays no part). */
function git(cwd: string, ...args: string[]): string {
  const result = spawnSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", ...args], {
    cwd,
    encoding: "utf8",
  });
  expect(result.status, `git ${args.join(" ")}:\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Replaces text in a project file, failing when it is not there (the edit would test nothing). */
function edit(dir: string, file: string, find: string, replace: string): void {
  const target = path.join(dir, file);
  const text = readFileSync(target, "utf8");
  expect(text, `${file} contains ${JSON.stringify(find)}`).toContain(find);
  writeFileSync(target, text.replace(find, replace));
}

const handlerModule = "src/domain/banking/account.ts";

/**
 * A project made by `fluvius init` whose account has a hand-written evolve step (an event
 * without `apply`), generated and committed; and a fresh clone of it (no .fluvius/ there).
 */
function committedProjectAndClone(): { origin: string; clone: string } {
  const base = mkdtempSync(path.join(tmpdir(), "fluvius-clone-"));
  const origin = path.join(base, "origin");
  expect(runCli(["init", origin], { cwd: base }).status).toBe(0);
  edit(origin, "domains/banking.yaml", "      account-frozen:\n        apply: { set: { status: frozen } }\n", "      account-frozen: {}\n");
  const generated = runCli(["generate"], { cwd: origin });
  expect(generated.status, generated.stdout + generated.stderr).toBe(0);
  expect(readFileSync(path.join(origin, handlerModule), "utf8")).toContain("export const evolveAccountFrozen");
  expect(existsSync(path.join(origin, ".fluvius/generate.json"))).toBe(true);
  git(origin, "init", "-q");
  git(origin, "add", "-A");
  git(origin, "commit", "-qm", "generated");
  // The stamps of the last run are machine-local: ignored, never committed.
  expect(git(origin, "ls-files")).not.toContain(".fluvius/");
  const clone = path.join(base, "clone");
  git(base, "clone", "-q", origin, clone);
  return { origin, clone };
}

describe("generation is a pure function of the specs, the configuration and fluvius's version", () => {
  test("a fresh clone: `generate --check` is clean and writes nothing; `generate` leaves a clean `git status`", () => {
    const { clone } = committedProjectAndClone();
    const check = runCli(["generate", "--check"], { cwd: clone });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain("up to date");
    // Nothing at all, not even an ignored file.
    expect(git(clone, "status", "--porcelain", "--ignored")).toBe("");

    const generated = runCli(["generate"], { cwd: clone });
    expect(generated.status, generated.stdout + generated.stderr).toBe(0);
    expect(generated.stdout).toContain("everything is up to date");
    expect(git(clone, "status", "--porcelain")).toBe("");
    // The local stamps are written, where git ignores them; the next run takes the fast path.
    expect(existsSync(path.join(clone, ".fluvius/generate.json"))).toBe(true);
    expect(runCli(["generate"], { cwd: clone }).stdout).toContain("everything is up to date");
    expect(git(clone, "status", "--porcelain")).toBe("");
  }, 60_000);

  test("editing a hand-written evolve function and adding a comment to the spec leave `generate --check` green and the generated code as it was", () => {
    const { clone } = committedProjectAndClone();
    replaceStub(
      clone,
      handlerModule,
      "evolveAccountFrozen",
      'export const evolveAccountFrozen: types.AccountFrozenEvolver = (state) => ({ ...state, status: "frozen" });',
    );
    edit(
      clone,
      "domains/banking.yaml",
      "    snapshotEvery: 100             # optional\n",
      "    snapshotEvery: 100             # optional\n    # A comment for reviewers: it changes no generated file.\n",
    );
    const check = runCli(["generate", "--check"], { cwd: clone });
    expect(check.stdout + check.stderr).not.toContain("out of date");
    expect(check.status, check.stdout + check.stderr).toBe(0);

    const generated = runCli(["generate"], { cwd: clone });
    expect(generated.status, generated.stdout + generated.stderr).toBe(0);
    expect(generated.stdout).toContain("everything is up to date");
    // Only the two files edited by hand differ from the commit.
    expect(git(clone, "status", "--porcelain").split("\n").filter(Boolean).sort()).toEqual([" M domains/banking.yaml", ` M ${handlerModule}`]);
  }, 60_000);

  test("a lock or manifest deleted after a clean run is made again by the next run (the fast path checks its outputs)", () => {
    const { clone } = committedProjectAndClone();
    expect(runCli(["generate"], { cwd: clone }).status).toBe(0);
    for (const file of ["fluvius.lock.json", "src/generated/.fluvius-manifest.json"]) {
      const before = readFileSync(path.join(clone, file), "utf8");
      git(clone, "rm", "-q", "--cached", file);
      spawnSync("rm", [path.join(clone, file)]);
      const generated = runCli(["generate"], { cwd: clone });
      expect(generated.status, generated.stdout + generated.stderr).toBe(0);
      expect(generated.stdout).toContain(`create  ${file}`);
      expect(readFileSync(path.join(clone, file), "utf8")).toBe(before);
      git(clone, "add", file);
      expect(git(clone, "status", "--porcelain")).toBe("");
    }
  }, 60_000);
});
