import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { fixturesRoot } from "../helpers/fixtures.js";

const banking = path.join(fixturesRoot, "valid", "banking");
const golden = (name: string) => readFileSync(path.join(banking, "docs", name), "utf8");

/** A copy of the banking fixture's specs to write into. */
function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fluvius-docs-"));
  cpSync(path.join(banking, "spec"), path.join(dir, "domains"), { recursive: true });
  return dir;
}

describe("fluvius docs on the command line", () => {
  test("Markdown on stdout by default, HTML with --format html: the golden pages", () => {
    const markdown = runCli(["docs", "spec"], { cwd: banking });
    expect(markdown.status, markdown.stderr).toBe(0);
    expect(markdown.stdout).toBe(golden("domain.md"));
    const html = runCli(["docs", "spec", "--format", "html"], { cwd: banking });
    expect(html.status).toBe(0);
    expect(html.stdout).toBe(golden("domain.html"));
  });

  test("--out writes a file, or domain.md / domain.html into a folder; .html means HTML", () => {
    const dir = project();
    const intoFolder = runCli(["docs", "--out", "docs/"], { cwd: dir });
    expect(intoFolder.status, intoFolder.stderr).toBe(0);
    expect(intoFolder.stdout).toBe("✔ wrote docs/domain.md\n");
    expect(readFileSync(path.join(dir, "docs/domain.md"), "utf8")).toBe(golden("domain.md"));
    const htmlFile = runCli(["docs", "-o", "site/index.html"], { cwd: dir });
    expect(htmlFile.status).toBe(0);
    expect(readFileSync(path.join(dir, "site/index.html"), "utf8")).toBe(golden("domain.html"));
    expect(runCli(["docs", "--out", "site", "--format", "html"], { cwd: dir }).status).toBe(0);
    expect(readFileSync(path.join(dir, "site/domain.html"), "utf8")).toBe(golden("domain.html"));
  });

  test("a bad spec: the diagnostics with code frames on stderr, nothing written, exit 1, no stack trace", () => {
    const result = runCli(["docs", "spec", "--out", "out.md"], { cwd: path.join(fixturesRoot, "invalid", "unknown-event") });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("spec/domain.yaml:8:26 error unknown-event");
    expect(result.stderr).toMatch(/> +8 \|/);
    expect(result.stderr).toContain("fluvius: no docs were written; fix the errors above first (`fluvius validate`).");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
    expect(existsSync(path.join(fixturesRoot, "invalid", "unknown-event", "out.md"))).toBe(false);
  });

  test("an unknown --format is a usage error (exit 2)", () => {
    const result = runCli(["docs", "spec", "--format", "pdf"], { cwd: banking });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("See `fluvius docs --help`.");
  });

  test("--embed-mermaid inlines the project's mermaid bundle into the HTML page; it needs HTML", () => {
    // This repository has `mermaid` (a dev dependency) where the fixture resolves packages.
    const embedded = runCli(["docs", "spec", "--format", "html", "--embed-mermaid"], { cwd: banking });
    expect(embedded.status, embedded.stderr).toBe(0);
    expect(embedded.stdout.length).toBeGreaterThan(1_000_000);
    expect(embedded.stdout).toContain("window.mermaid.run()");
    expect(embedded.stdout).not.toMatch(/<script src=/);
    expect(embedded.stdout).not.toContain('<p class="note">');
    const markdown = runCli(["docs", "spec", "--embed-mermaid"], { cwd: banking });
    expect(markdown.status).toBe(2);
    expect(markdown.stderr).toContain("--embed-mermaid needs --format html");
    // A project without the package (outside this repository) is told how to get it.
    const without = runCli(["docs", "--format", "html", "--embed-mermaid"], { cwd: project() });
    expect(without.status).toBe(1);
    expect(without.stderr).toContain("fluvius: --embed-mermaid needs the `mermaid` package in the project: run `npm install --save-dev mermaid`.");
  });

  test("--help has examples", () => {
    const help = runCli(["docs", "--help"], { cwd: banking });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("$ fluvius docs --out docs/");
  });
});
