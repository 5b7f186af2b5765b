import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fixturesRoot, repoRoot } from "../helpers/fixtures.js";

const invalid = (name: string) => path.join(fixturesRoot, "invalid", name);

describe("fluvius validate on the command line", () => {
  test("a clean spec exits 0 with a summary", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fluvius-cli-"));
    expect(runCli(["init", dir], { cwd: tmpdir() }).status).toBe(0);
    const result = runCli(["validate"], { cwd: dir });
    expect(result.stdout).toContain("1 file checked, no problems");
    expect(result.status).toBe(0);
  });

  test("errors exit 1 and print a code frame with file:line:col", () => {
    const result = runCli(["validate", "spec"], { cwd: invalid("unknown-event") });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("spec/domain.yaml:8:26 error unknown-event");
    expect(result.stdout).toContain("Did you mean 'created'?");
    expect(result.stdout).toMatch(/> +8 \|/);
    expect(result.stdout).not.toContain("\u001b["); // not a TTY: no colour
  });

  test("--format json prints the documented shape", () => {
    const result = runCli(["validate", "spec", "--format", "json"], { cwd: invalid("duplicate-name") });
    expect(result.status).toBe(1);
    const json = JSON.parse(result.stdout) as { diagnostics: Record<string, unknown>[] };
    expect(json.diagnostics).toHaveLength(3);
    expect(json.diagnostics[0]).toMatchObject({
      code: "duplicate-name",
      severity: "error",
      file: "spec/b.yaml",
      line: 3,
      column: 3,
      endLine: 3,
      endColumn: 8,
      related: [{ file: "spec/a.yaml", line: 4, column: 3, message: "'Money' is first declared here" }],
    });
    for (const key of ["message", "endLine", "endColumn"]) expect(json.diagnostics[0]).toHaveProperty(key);
  });

  test("--format github prints workflow annotations", () => {
    const result = runCli(["validate", "spec", "--format", "github"], { cwd: invalid("unused-role") });
    expect(result.stdout.trim()).toBe(
      "::warning file=spec/domain.yaml,line=14,col=5,endLine=14,endColumn=12,title=fluvius unused-role::No policy rule uses role 'auditor'.%0AAdd a rule for it, or remove it.",
    );
    expect(result.status).toBe(0);
  });

  test("--format sarif prints SARIF 2.1.0 with the rule's explanation", () => {
    const result = runCli(["validate", "spec", "--format", "sarif"], { cwd: invalid("unknown-type") });
    const sarif = JSON.parse(result.stdout) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
      }[];
    };
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(["unknown-type"]);
    expect(run.results.map((r) => r.locations[0]!.physicalLocation.region.startLine)).toEqual([8, 9]);
    expect(result.status).toBe(1);
  });

  test("--max-warnings turns too many warnings into exit 1", () => {
    expect(runCli(["validate", "spec"], { cwd: invalid("unused-event") }).status).toBe(0);
    expect(runCli(["validate", "spec", "--max-warnings", "1"], { cwd: invalid("unused-event") }).status).toBe(0);
    const strict = runCli(["validate", "spec", "--max-warnings", "0"], { cwd: invalid("unused-event") });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain("more than --max-warnings 0");
  });

  test("colour only when forced, and never with NO_COLOR", () => {
    const forced = runCli(["validate", "spec"], { cwd: invalid("unknown-event"), env: { FORCE_COLOR: "1" } });
    expect(forced.stdout).toContain("\u001b[");
    const noColor = runCli(["validate", "spec"], { cwd: invalid("unknown-event"), env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
    expect(noColor.stdout).not.toContain("\u001b[");
  });

  test("a path that does not exist exits 1 with a diagnostic, not a stack trace", () => {
    const result = runCli(["validate", "missing.yaml"], { cwd: tmpdir() });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("missing.yaml:1:1 error path-not-found");
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  test("usage errors exit 2", () => {
    const result = runCli(["validate", "--format", "xml"], { cwd: tmpdir() });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--help");
  });

  test("--help shows examples", () => {
    const result = runCli(["validate", "--help"], { cwd: tmpdir() });
    expect(result.stdout).toContain("EXAMPLES");
    expect(result.stdout).toContain("--max-warnings");
  });
});

describe("fluvius explain", () => {
  test("explains a code", () => {
    const result = runCli(["explain", "unknown-event"], { cwd: tmpdir() });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("unknown-event (error, check stage)");
    expect(result.stdout).toContain("emits");
  });

  test("suggests the closest code for a typo and exits 2", () => {
    const result = runCli(["explain", "unknown-evnt"], { cwd: tmpdir() });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Did you mean 'unknown-event'?");
  });
});

describe("fluvius init", () => {
  test("never overwrites an existing file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fluvius-init-"));
    writeFileSync(path.join(dir, "fluvius.yaml"), "specs: [specs/*.yaml]\n");
    const result = runCli(["init", "."], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("kept     fluvius.yaml (exists)");
    expect(readFileSync(path.join(dir, "fluvius.yaml"), "utf8")).toBe("specs: [specs/*.yaml]\n");
    expect(readFileSync(path.join(dir, "domains/banking.yaml"), "utf8")).toContain("# yaml-language-server: $schema=");
    for (const f of ["package.json", "tsconfig.json", ".gitignore", ".prettierignore", ".github/workflows/fluvius.yml"]) {
      expect(readFileSync(path.join(dir, f), "utf8").length).toBeGreaterThan(0);
    }
    // The generated folder is in fluvius's canonical style: the project's prettier leaves it alone.
    expect(readFileSync(path.join(dir, ".prettierignore"), "utf8").split("\n")).toContain("src/generated/");
    // Run from a checkout (not installed from the registry), the project depends on this copy.
    // The runtime is a dependency (production runs on it alone), the CLI a dev dependency.
    const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(manifest.dependencies).toEqual({ "@fluvius/runtime": `file:${repoRoot}/packages/runtime` });
    expect(manifest.devDependencies.fluvius).toBe(`file:${repoRoot}`);
    // The CI workflow gates on breaking changes against the base branch and the event lock, once per change.
    const workflow = readFileSync(path.join(dir, ".github/workflows/fluvius.yml"), "utf8");
    expect(workflow).toContain("npx fluvius breaking --against origin/${{ github.base_ref }}");
    expect(workflow).toContain("npx fluvius breaking --lock");
    expect(workflow).toContain("--max-warnings 0");
    expect(workflow).not.toMatch(/on: \[push, pull_request\]/);
  });
});
