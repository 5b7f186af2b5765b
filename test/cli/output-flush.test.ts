import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";

/**
 * CI reads the output of a failing run through a pipe. A command that exits 1 must still
 * write all of it: the process may not end before stdout has drained (a pipe holds 64 KiB).
 */
describe("a failing command writes its whole output to a pipe", () => {
  let dir: string;
  const unknownTypes = 3000;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fluvius-flush-"));
    const lines = ["domain: big", "aggregates:", "  thing:", "    state:"];
    for (let i = 0; i < unknownTypes; i++) lines.push(`      f${i}: Nope${i}`);
    writeFileSync(path.join(dir, "big.yaml"), `${lines.join("\n")}\n`);
    writeFileSync(path.join(dir, "fluvius.yaml"), "specs: [big.yaml]\n");
  });

  test("validate --format json: more than 64 KiB, all of it parses, exit 1", () => {
    const result = runCli(["validate", "big.yaml", "--format", "json"], { cwd: dir });
    expect(result.stdout.length).toBeGreaterThan(512 * 1024);
    const json = JSON.parse(result.stdout) as { diagnostics: { code: string }[] };
    expect(json.diagnostics.filter((d) => d.code === "unknown-type")).toHaveLength(unknownTypes);
    expect(result.status).toBe(1);
  });

  test("validate --format sarif: the whole document parses, exit 1", () => {
    const result = runCli(["validate", "big.yaml", "--format", "sarif"], { cwd: dir });
    expect(result.stdout.length).toBeGreaterThan(512 * 1024);
    const sarif = JSON.parse(result.stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.filter((r) => r.ruleId === "unknown-type")).toHaveLength(unknownTypes);
    expect(result.status).toBe(1);
  });

  test("validate --format text: every diagnostic and the summary line, exit 1", () => {
    const result = runCli(["validate", "big.yaml"], { cwd: dir });
    expect(result.stdout.match(/ error unknown-type: /g)).toHaveLength(unknownTypes);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toMatch(/3000 errors/);
    expect(result.status).toBe(1);
  });

  test("generate with errors (another command): every diagnostic, exit 1", () => {
    const result = runCli(["generate"], { cwd: dir });
    expect(result.stdout.match(/ error unknown-type: /g)).toHaveLength(unknownTypes);
    expect(result.stderr).toContain("nothing was generated");
    expect(result.status).toBe(1);
  });
});
