import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";

/**
 * Spec patterns are matched by a linear-time engine: a pattern with catastrophic backtracking
 * and a long default that almost matches used to hang `validate` (36 a's took over a minute).
 */
describe("validate with a catastrophic pattern", () => {
  test("a default that does not match ^(a+)+$ is reported, not backtracked over for ever", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fluvius-redos-"));
    const almost = `${"a".repeat(5_000)}!`;
    writeFileSync(
      path.join(dir, "shop.yaml"),
      [
        "domain: shop",
        "aggregates:",
        "  order:",
        "    state:",
        `      code: { type: string, pattern: "^(a+)+$", default: "${almost}" }`,
        `      ok: { type: string, pattern: "^(a+)+$", default: "aaaa" }`,
        "    actions:",
        "      create: { creates: true, emits: created }",
        "    events:",
        "      created: {}",
        "",
      ].join("\n"),
    );
    // Generous: it finishes in about a second; before, it never did (killed: status -1).
    const result = runCli(["validate", "shop.yaml", "--format", "json"], { cwd: dir, timeoutMs: 30_000 });
    expect(result.status, result.stderr).toBe(1);
    const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: { code: string; line: number; message: string }[] };
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([["invalid-default", 5]]);
    expect(diagnostics[0]!.message).toContain("does not match the pattern ^(a+)+$");
  });
});
