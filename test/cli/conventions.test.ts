/** The CLI conventions users know from oclif, Prisma and buf: -h, help <command>, -v, version, a did-you-mean, shell completion. */
import { describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { repoRoot } from "../helpers/fixtures.js";
import { buildProject } from "../helpers/project.js";

const cli = (...args: string[]) => runCli(args, { cwd: repoRoot });

describe("CLI conventions", () => {
  test("-h and `help <command>` show help; `help` lists the commands", () => {
    expect(cli("-h").stdout).toContain("USAGE");
    const viaHelp = cli("help", "validate");
    expect(viaHelp.status).toBe(0);
    expect(viaHelp.stdout).toContain("$ fluvius validate");
    expect(cli("validate", "-h").stdout).toBe(viaHelp.stdout);
    expect(cli("help").stdout).toMatch(/breaking[\s\S]*validate/);
  });

  test("-v, --version and `version` print the version", () => {
    const version = cli("version");
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^fluvius\/\d+\.\d+\.\d+ .*node-v\d+/);
    expect(cli("-v").stdout).toBe(version.stdout);
    expect(cli("--version").stdout).toBe(version.stdout);
  });

  test("a mistyped command gets the closest one, also outside a terminal; exit 2, no stack", () => {
    const typo = cli("valdate");
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("fluvius: 'valdate' is not a fluvius command. Did you mean `fluvius validate`?");
    expect(cli("migrate", "stauts").stderr).toContain("Did you mean `fluvius migrate status`?");
    expect(typo.stderr).not.toMatch(/\n\s+at /);
  });

  test("shell completion is offered", () => {
    const completion = cli("autocomplete", "--help");
    expect(completion.status).toBe(0);
    expect(completion.stdout).toContain("autocomplete");
  });

  test("--json for explain and migrate status", () => {
    const one = JSON.parse(cli("explain", "unknown-event", "--json").stdout) as { code: string; severity: string; stage: string; explain: string };
    expect(one).toMatchObject({ code: "unknown-event", severity: "error", stage: "check" });
    const all = JSON.parse(cli("explain", "--json").stdout) as { code: string }[];
    expect(all.map((c) => c.code)).toContain("event-field-removed");
    const project = buildProject("banking");
    const status = runCli(["migrate", "status", "--json"], { cwd: project.dir });
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      database: expect.stringContaining("embedded"),
      migrations: [{ id: 1, name: "0001_init.sql", state: "pending" }],
      diagnostics: [],
    });
  });
});
