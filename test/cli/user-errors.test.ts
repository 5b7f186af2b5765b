import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.js";
import { buildProject } from "../helpers/project.js";

/** A user's mistake is a message and a documented exit code, never "a bug in fluvius". */
function expectUserError(result: { status: number; stdout: string; stderr: string }, status: number, message: RegExp) {
  expect(result.stderr, result.stdout).toMatch(message);
  expect(result.stderr).not.toContain("internal error");
  expect(result.stderr).not.toContain("bug in fluvius");
  expect(result.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  expect(result.status).toBe(status);
}

describe("user mistakes on the command line", () => {
  test("token --expires with a malformed lifetime: a usage error (exit 2)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fluvius-token-"));
    const result = runCli(["token", "--sub", "alice", "--tenant", "acme", "--expires", "soon"], { cwd: dir });
    expectUserError(result, 2, /--expires takes a lifetime such as 30m, 8h or 7d, not "soon"/);
    expect(runCli(["token", "--sub", "alice", "--tenant", "acme", "--expires", "90m"], { cwd: dir }).status).toBe(0);
  });

  test("a malformed --database-url: invalid-database-url, exit 1", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fluvius-url-"));
    const result = runCli(["migrate", "status", "--database-url", "postgres://localhost:99999/x"], { cwd: dir });
    expect(result.stdout).toContain("--database-url:1:1 error invalid-database-url: ");
    expect(result.status).toBe(1);
  });

  test("serve on a port that is in use: says so and exits 1", async () => {
    const project = buildProject("banking");
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = runCli(["serve", "--migrate", "--port", String(port)], { cwd: project.dir });
      expectUserError(result, 1, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      blocker.close();
    }
  });
});
