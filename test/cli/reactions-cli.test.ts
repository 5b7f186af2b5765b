import { existsSync, readFileSync, renameSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { openStore, parkedById } from "@fluvius/runtime";
import { runCli } from "../helpers/cli.js";
import { repoRoot } from "../helpers/fixtures.js";
import type { BuiltProject } from "../helpers/project.js";
import { bankingWith, failingLedger, LEDGER, openAccounts, reactionOf, reactionsProject, shown, statusJson, workerPass } from "./reactions-project.js";

let project: BuiltProject;

beforeAll(() => {
  project = reactionsProject();
}, 180_000);

describe("fluvius reactions on the embedded database", () => {
  test("before migrating: says to run migrate up, and creates nothing", () => {
    const absent = runCli(["reactions", "status"], { cwd: project.dir });
    expect(absent.status, shown(absent)).toBe(1);
    expect(absent.stderr).toContain("fluvius: the embedded database .fluvius/pgdata does not exist yet: run `fluvius migrate up`");
    expect(existsSync(path.join(project.dir, ".fluvius/pgdata"))).toBe(false);
  });

  test("while another process has it open (fluvius serve), each command says so and what to do, without a stack; once it is closed, retry queues and the next pass resolves", async () => {
    const migrated = runCli(["migrate", "up"], { cwd: project.dir });
    expect(migrated.status, shown(migrated)).toBe(0);
    expect(statusJson(project.dir).parked.parked).toBe(0);

    // This test process plays `fluvius serve`: it holds the embedded database's lock.
    let store = await openStore({ projectDir: project.dir, owner: "fluvius serve" });
    const failing = await bankingWith(project, failingLedger);
    await openAccounts(store, failing, [1]);
    await workerPass(store, failing);
    const [parked] = await store.database.query<{ id: string }>("SELECT id::text AS id FROM fluvius.parked");
    if (!parked) throw new Error("one parked delivery");
    for (const args of [
      ["reactions", "status"],
      ["reactions", "retry", parked.id],
      ["reactions", "skip", parked.id],
    ]) {
      const locked = runCli(args, { cwd: project.dir });
      expect(locked.status, shown(locked)).toBe(1);
      expect(locked.stdout).toContain("The embedded database .fluvius/pgdata is in use by `fluvius serve`");
      expect(locked.stderr).toContain(
        "fluvius: the embedded database is open in another process, and only one may open it at a time: stop `fluvius serve` (or `fluvius worker`) and run this again, or run the service and these commands on PostgreSQL (--database-url or $DATABASE_URL)",
      );
      expect(`${locked.stdout}${locked.stderr}`).not.toMatch(/\n\s+at /);
    }
    expect(await parkedById(store.database, parked.id)).toMatchObject({ status: "parked" });
    await store.database.close();

    const status = statusJson(project.dir);
    expect(status.database).toBe("embedded .fluvius/pgdata");
    expect(reactionOf(status, LEDGER)).toMatchObject({ lag: 0, parked: 1 });
    const health = runCli(["reactions", "status", "--fail-on-parked"], { cwd: project.dir });
    expect(health.status, shown(health)).toBe(1);
    expect(health.stderr).toContain("fluvius: 1 delivery is parked.");

    const retried = runCli(["reactions", "retry", parked.id], { cwd: project.dir });
    expect(retried.status, shown(retried)).toBe(0);
    expect(retried.stdout).toMatch(new RegExp(`queued\\s+${parked.id}`));
    expect(retried.stdout).toContain("nothing happens until `fluvius serve` or `fluvius worker` runs");

    // `fluvius serve` starts again: its workers' first pass runs the retry.
    store = await openStore({ projectDir: project.dir, owner: "fluvius serve" });
    try {
      const delivered: string[] = [];
      await workerPass(
        store,
        await bankingWith(project, async (event) => {
          delivered.push(event.eventId);
        }),
      );
      expect(delivered).toHaveLength(1);
      expect(await parkedById(store.database, parked.id)).toMatchObject({ status: "resolved" });
    } finally {
      await store.database.close();
    }
    expect(statusJson(project.dir).parked).toMatchObject({ parked: 0, retrying: 0 });
  }, 180_000);

  test("without generated code: says to run fluvius generate", () => {
    const index = path.join(project.dir, "src/generated/index.ts");
    renameSync(index, `${index}.away`);
    try {
      const missing = runCli(["reactions", "status"], { cwd: project.dir });
      expect(missing.status, shown(missing)).toBe(1);
      expect(missing.stderr).toContain("run `fluvius generate` first");
    } finally {
      renameSync(`${index}.away`, index);
    }
  });
});

describe("fluvius reactions --help", () => {
  test("the topic lists its three commands; each has a summary, paragraphs that re-flow, and examples", () => {
    const topic = runCli(["reactions", "--help"], { cwd: repoRoot });
    expect(topic.status, shown(topic)).toBe(0);
    expect(topic.stdout).toMatch(/reactions retry\s+Run parked deliveries again/);
    expect(topic.stdout).toMatch(/reactions skip\s+Give up on parked deliveries/);
    expect(topic.stdout).toMatch(/reactions status\s+Show how far each reaction is/);
    expect(runCli(["--help"], { cwd: repoRoot }).stdout).toMatch(/TOPICS[\s\S]*reactions\s+Operate the reactions/);

    const manifest = JSON.parse(readFileSync(path.join(repoRoot, "oclif.manifest.json"), "utf8")) as {
      commands: Record<string, { summary?: string; description?: string; examples?: unknown[] }>;
    };
    for (const id of ["reactions:status", "reactions:retry", "reactions:skip"]) {
      const command = manifest.commands[id];
      expect(command?.summary, id).toBeTruthy();
      expect(command?.examples?.length, id).toBeGreaterThan(0);
      for (const paragraph of (command?.description ?? "").split("\n\n")) expect(paragraph, `${id}: a hard line break inside a paragraph`).not.toContain("\n");
      const help = runCli([...id.split(":"), "--help"], { cwd: repoRoot });
      expect(help.status, shown(help)).toBe(0);
      expect(help.stdout).toContain("EXAMPLES");
    }
  });
});
