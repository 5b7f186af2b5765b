import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { HostError } from "../../src/host/host.js";
import { nodeHost } from "../../src/host/node-host.js";

test("writes are atomic: a failed write leaves the old file and no temporary file behind", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fluvius-host-"));
  const host = nodeHost(dir);
  writeFileSync(path.join(dir, "kept.ts"), "old\n");
  await host.writeFile(`${host.cwd}/kept.ts`, "new\n");
  expect(readFileSync(path.join(dir, "kept.ts"), "utf8")).toBe("new\n");

  // The rename onto a folder fails half-way through the write.
  mkdirSync(path.join(dir, "blocked.ts"));
  writeFileSync(path.join(dir, "blocked.ts", "inside"), "x");
  await expect(host.writeFile(`${host.cwd}/blocked.ts`, "content\n")).rejects.toBeInstanceOf(HostError);
  expect(readdirSync(dir).sort()).toEqual(["blocked.ts", "kept.ts"]);
  expect(readFileSync(path.join(dir, "blocked.ts", "inside"), "utf8")).toBe("x");
});

test("readText tells a missing file from an unreadable one", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fluvius-host-"));
  const host = nodeHost(dir);
  expect(await host.readText(`${host.cwd}/missing.ts`)).toBeUndefined();
  mkdirSync(path.join(dir, "folder"));
  await expect(host.readText(`${host.cwd}/folder`)).rejects.toBeInstanceOf(HostError);
});
