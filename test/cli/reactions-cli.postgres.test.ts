import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { acquireLease, openStore, parkedById, type EventStore } from "@fluvius/runtime";
import { pgDatabase } from "@fluvius/runtime/internal/runtime/db/pg";
import { park } from "@fluvius/runtime/internal/runtime/reactions/tables";
import { systemSchemaSteps, systemSchemaVersion } from "@fluvius/runtime/internal/runtime/store/schema";
import { runCli } from "../helpers/cli.js";
import { createDatabase, type TestDatabase } from "../helpers/postgres.js";
import type { BuiltProject } from "../helpers/project.js";
import { bankingWith, failingLedger, LEDGER, LETTER, openAccounts, reactionOf, reactionsProject, shown, statusJson, workerPass } from "./reactions-project.js";

let project: BuiltProject;
let database: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  project = reactionsProject();
  database = await createDatabase("fluvius_reactions_cli");
  const migrated = runCli(["migrate", "up", "--database-url", database.url], { cwd: project.dir });
  expect(migrated.status, shown(migrated)).toBe(0);
  store = await openStore({ url: database.url, maxConnections: 2 });
}, 180_000);

afterAll(async () => {
  await store?.database.close();
  await database?.drop();
});

const cli = (args: readonly string[]) => runCli([...args, "--database-url", database.url], { cwd: project.dir });

describe("fluvius reactions on PostgreSQL", () => {
  test("status, retry, skip: lag and parked counts, a retried delivery resolved by the next worker pass, a skipped one never delivered", async () => {
    const url = ["--database-url", database.url];
    const empty = statusJson(project.dir, url);
    expect(empty.reactions.map((r) => r.reaction)).toEqual([LEDGER, LETTER]);
    expect(empty.parked).toEqual({ parked: 0, retrying: 0, more: 0, deliveries: [] });
    expect(cli(["reactions", "status"]).stdout).toContain("No parked deliveries.");

    // Two accounts, three deposits: nothing has handled them yet.
    const failing = await bankingWith(project, failingLedger);
    await openAccounts(store, failing, [2, 1]);
    const waiting = statusJson(project.dir, url);
    expect(reactionOf(waiting, LEDGER)).toMatchObject({ lag: 3, parked: 0 });
    expect(reactionOf(waiting, LETTER)).toMatchObject({ lag: 2, waitingTimers: 0 });

    // A worker pass: every delivery to the ledger fails and is parked; the letters wait a day.
    await workerPass(store, failing);
    const parked = statusJson(project.dir, url);
    expect(reactionOf(parked, LEDGER)).toMatchObject({ lag: 0, parked: 3, retrying: 0, waitingTimers: 0, nextTimerAt: null, heldBy: null });
    expect(reactionOf(parked, LETTER)).toMatchObject({ lag: 0, parked: 0, waitingTimers: 2 });
    expect(Date.parse(reactionOf(parked, LETTER).nextTimerAt ?? "")).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(parked.parked).toMatchObject({ parked: 3, retrying: 0, more: 0 });
    expect(parked.parked.deliveries).toHaveLength(3);
    for (const d of parked.parked.deliveries) {
      expect(d).toMatchObject({
        reaction: LEDGER,
        tenant: "acme",
        status: "parked",
        attempts: 1,
        error: { code: "reaction-failed", message: "the ledger is down" },
      });
    }
    const [first, second, third] = parked.parked.deliveries.map((d) => d.id);
    if (!first || !second || !third) throw new Error("three parked deliveries");

    // The table: one row per reaction, aligned under its headings; the parked deliveries below.
    const text = cli(["reactions", "status"]);
    expect(text.status, shown(text)).toBe(0);
    const lines = text.stdout.split("\n");
    const heading = lines.find((l) => l.startsWith("REACTION")) ?? "";
    expect(heading).toMatch(/^REACTION\s+LAG\s+PARKED\s+RETRYING\s+TIMERS\s+NEXT TIMER\s+HELD BY$/);
    expect(text.stdout).toMatch(/banking\.notify-ledger\s+0\s+3\s+0\s+0\s+-\s+-\n/);
    const letterRow = lines.find((l) => l.startsWith(LETTER)) ?? "";
    expect(letterRow.indexOf(reactionOf(parked, LETTER).nextTimerAt ?? "?")).toBe(heading.indexOf("NEXT TIMER"));
    expect(letterRow.indexOf(" 2 ") + 1).toBe(heading.indexOf("TIMERS") + "TIMERS".length - 1);
    expect(text.stdout).toContain("Parked deliveries: 3 parked, 0 to retry");
    expect(text.stdout).toMatch(
      new RegExp(`${first}\\s+banking\\.notify-ledger\\s+acme\\s+[0-9a-f-]{36}\\s+1\\s+\\S+Z\\s+parked\\s+reaction-failed: the ledger is down`),
    );
    expect(text.stdout).toContain("fluvius reactions retry <id>");

    const limited = cli(["reactions", "status", "--limit", "2"]);
    expect(limited.stdout).toContain("(the 2 oldest below)");
    expect(limited.stdout).toContain("… and 1 more (--limit 3 lists them all)");
    expect(limited.stdout).not.toContain(third);
    expect(statusJson(project.dir, [...url, "--limit", "2"]).parked).toMatchObject({ parked: 3, more: 1 });

    const health = cli(["reactions", "status", "--fail-on-parked"]);
    expect(health.status, shown(health)).toBe(1);
    expect(health.stderr).toContain("fluvius: 3 deliveries are parked.");

    // retry: queued for the worker, which is not running.
    const retried = cli(["reactions", "retry", first]);
    expect(retried.status, shown(retried)).toBe(0);
    expect(retried.stdout).toMatch(new RegExp(`queued\\s+${first}\\s+banking\\.notify-ledger, tenant acme, event [0-9a-f-]{36}`));
    expect(retried.stdout).toContain("runs them again on its next pass");
    expect(retried.stdout).toContain(`No worker runs ${LEDGER} now: nothing happens until \`fluvius serve\` or \`fluvius worker\` runs.`);
    expect(await parkedById(store.database, first)).toMatchObject({ status: "retry" });

    // Again, with an id that is no delivery: reported one by one, exit 1.
    const stranger = randomUUID();
    const again = cli(["reactions", "retry", first, stranger]);
    expect(again.status, shown(again)).toBe(1);
    expect(again.stdout).toMatch(new RegExp(`not parked \\(retry\\)\\s+${first}`));
    expect(again.stdout).toMatch(new RegExp(`not found\\s+${stranger}\\n`));
    expect(again.stderr).toContain("fluvius: 2 ids were not queued.");

    const skipped = cli(["reactions", "skip", second]);
    expect(skipped.status, shown(skipped)).toBe(0);
    expect(skipped.stdout).toMatch(new RegExp(`skipped\\s+${second}`));
    expect(skipped.stdout).toContain("will not act on those events");
    expect(await parkedById(store.database, second)).toMatchObject({ status: "skipped" });
    const twice = cli(["reactions", "skip", second]);
    expect(twice.status).toBe(1);
    expect(twice.stdout).toMatch(new RegExp(`not parked \\(skipped\\)\\s+${second}`));

    const counted = statusJson(project.dir, url);
    expect(reactionOf(counted, LEDGER)).toMatchObject({ parked: 1, retrying: 1 });

    // The worker's next pass delivers the retried event, only that one.
    const delivered: string[] = [];
    const working = await bankingWith(project, async (event) => {
      delivered.push(event.eventId);
    });
    await workerPass(store, working);
    const firstEvent = parked.parked.deliveries[0]?.eventId;
    expect(delivered).toEqual([firstEvent]);
    expect(await parkedById(store.database, first)).toMatchObject({ status: "resolved" });
    expect(await parkedById(store.database, second)).toMatchObject({ status: "skipped" });
    expect(reactionOf(statusJson(project.dir, url), LEDGER)).toMatchObject({ parked: 1, retrying: 0 });

    // --all (of a reaction): the last one; --fail-on-parked no longer fails once it is queued.
    const all = cli(["reactions", "retry", "--all", "--reaction", LEDGER]);
    expect(all.status, shown(all)).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`queued\\s+${third}`));
    expect(cli(["reactions", "status", "--fail-on-parked"]).status).toBe(0);
    const nothing = cli(["reactions", "retry", "--all"]);
    expect(nothing.status, shown(nothing)).toBe(0);
    expect(nothing.stdout).toContain("Nothing to retry: no delivery is parked.");

    // A worker holding the reaction's lease shows as its holder, and retry says it picks them up.
    expect(await acquireLease(store.database, `worker:reaction:${LEDGER}`, "replica-7", 60_000)).toBe(true);
    const held = statusJson(project.dir, url);
    expect(reactionOf(held, LEDGER).heldBy).toBe("replica-7");
    expect(cli(["reactions", "status"]).stdout).toMatch(/banking\.notify-ledger\s+0\s+0\s+1\s+0\s+-\s+replica-7\n/);
    await openAccounts(store, failing, [1]);
    await workerPass(store, failing);
    const newest = statusJson(project.dir, url).parked.deliveries.find((d) => d.status === "parked");
    if (!newest) throw new Error("a new parked delivery");
    const picked = cli(["reactions", "retry", newest.id]);
    expect(picked.stdout).toContain("Their workers are running");
  }, 180_000);

  test("mistakes: a malformed id is a usage error naming it; --all goes without ids; skip --all needs --reaction; an unknown reaction is named", async () => {
    const malformed = cli(["reactions", "retry", randomUUID(), "nope"]);
    expect(malformed.status, shown(malformed)).toBe(2);
    expect(malformed.stderr).toContain("fluvius: 'nope' is not a parked delivery id");
    expect(malformed.stderr).toContain("See `fluvius reactions retry --help`.");
    expect(cli(["reactions", "skip", "12"]).status).toBe(2);
    expect(cli(["reactions", "retry"]).status).toBe(2);
    expect(cli(["reactions", "retry", "--all", randomUUID()]).status).toBe(2);
    const everything = cli(["reactions", "skip", "--all"]);
    expect(everything.status).toBe(2);
    expect(everything.stderr).toContain("skip --all needs --reaction");
    const unknown = cli(["reactions", "retry", "--all", "--reaction", "banking.nope"]);
    expect(unknown.status, shown(unknown)).toBe(1);
    expect(unknown.stderr).toContain(`the project has no reaction 'banking.nope'; its reactions: ${LEDGER}, ${LETTER}.`);
    for (const r of [malformed, everything, unknown]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("a delivery left parked by a reaction removed from the specs is not retried (no worker would run it), and can be skipped with --all --reaction", async () => {
    const id = randomUUID();
    const error = { code: "reaction-failed", message: "gone", details: {} };
    await park(store.database, { id, tenant: "acme", reaction: "banking.retired", eventId: randomUUID(), attempts: 5, error }, new Date());
    const retried = cli(["reactions", "retry", id]);
    expect(retried.status, shown(retried)).toBe(1);
    expect(retried.stdout).toMatch(new RegExp(`not retried \\(its reaction is no longer in the project: skip it\\)\\s+${id}  banking\\.retired`));
    expect(cli(["reactions", "retry", "--all", "--reaction", "banking.retired"]).status).toBe(1);
    const skipped = cli(["reactions", "skip", "--all", "--reaction", "banking.retired"]);
    expect(skipped.status, shown(skipped)).toBe(0);
    expect(skipped.stdout).toMatch(new RegExp(`skipped\\s+${id}`));
    expect(await parkedById(store.database, id)).toMatchObject({ status: "skipped" });
  });

  test("a database without system tables, or with v1 ones, is told what to run", async () => {
    const bare = await createDatabase("fluvius_reactions_bare");
    const old = await createDatabase("fluvius_reactions_v1");
    try {
      const none = runCli(["reactions", "status", "--database-url", bare.url], { cwd: project.dir });
      expect(none.status, shown(none)).toBe(1);
      expect(none.stderr).toContain("has no fluvius system tables yet: run `fluvius migrate up`");
      const db = pgDatabase({ connectionString: old.url, max: 1 });
      await db.exec(systemSchemaSteps[0] ?? "");
      await db.close();
      const v1 = runCli(["reactions", "retry", randomUUID(), "--database-url", old.url], { cwd: project.dir });
      expect(v1.status, shown(v1)).toBe(1);
      expect(v1.stderr).toContain(
        `the database's system tables are v1; reactions need v${systemSchemaVersion}: run \`fluvius migrate new upgrade-fluvius\`, then \`fluvius migrate up\`.`,
      );
    } finally {
      await bare.drop();
      await old.drop();
    }
  });
});
