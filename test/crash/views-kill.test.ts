import type { ChildProcess } from "node:child_process";
import { afterEach, expect, test } from "vitest";
import { pgDatabase, viewsOf, type DomainDefinition } from "@fluvius/runtime";
import { createDatabase } from "../helpers/postgres.js";
import { exited, startServe, type RunningServe } from "../helpers/serve.js";
import { ACCOUNTS, checkpointOf, drive, endLeasesOf, expectExact, project, projecting, sleep, sourceEvents, startWorker, withBacklog } from "./views-flow.js";

/**
 * Asynchronous views under crashes, on PostgreSQL: `count` and `add` are not idempotent, so an
 * event applied twice (rows committed, checkpoint not) or skipped shows in the totals; `set`
 * shows an event applied out of the log's order. Deposits flow over HTTP while `fluvius
 * serve` is killed with SIGKILL three times, each time while a projector's transaction is
 * open; then two `fluvius worker` processes share one database and the test pauses the
 * views' holder (SIGSTOP) and lets its leases lapse, so the other takes over while the first
 * is still in its pass: only the checkpoint's compare-and-set keeps each event once. Every
 * row must equal what the test computes from fluvius.events (test/crash/views-flow.ts), and
 * nothing is parked.
 */

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

test("kill -9 of serve while its projectors apply, three times: every row equals the log, nothing applied twice or lost, nothing parked", async () => {
  const database = await createDatabase("fluvius_crash_views");
  const db = pgDatabase({ connectionString: database.url, max: 2 });
  try {
    const { built, token } = project();
    const { domains } = await built.importGenerated<{ domains: DomainDefinition[] }>();
    const views = viewsOf(domains);
    const args = ["--database-url", database.url];
    let serve: RunningServe = await startServe(built.dir, ["--migrate", ...args], {}, running);
    const flow = drive(() => serve.url, token);
    await flow.opened;

    for (let kill = 1; kill <= 3; kill++) {
      // Mid-projection: the checkpoint has moved since this server started, events wait behind
      // it (held back until there are enough), and a projector's transaction is open (its rows'
      // statement running or done, not committed).
      const from = await checkpointOf(db, "view:tally.owner-totals");
      for (let i = 0; i < 400 && (await checkpointOf(db, "view:tally.owner-totals")) === from; i++) await sleep(25);
      expect(await withBacklog(database.url, views, 50), `kill ${kill}: no backlog to kill the projectors in\n${serve.output()}`).toBeGreaterThan(0);
      let applying = false;
      for (let i = 0; i < 5000 && !applying; i++) applying = await projecting(db);
      expect(applying, `kill ${kill}: never saw a projector's transaction open`).toBe(true);
      serve.child.kill("SIGKILL");
      await exited(serve.child);
      await endLeasesOf(db, serve.child);
      serve = await startServe(built.dir, args, {}, running);
    }
    const events = await sourceEvents(db);
    for (let i = 0; i < 400 && (await sourceEvents(db)) < events + 100; i++) await sleep(25);
    await flow.stop();
    expect(flow.acknowledged()).toBeGreaterThan(100);
    expect(await sourceEvents(db)).toBeGreaterThanOrEqual(ACCOUNTS + flow.acknowledged());

    await expectExact(db, views, serve.output);
    serve.child.kill("SIGTERM");
    expect(await exited(serve.child)).toBe(0);
  } finally {
    await db.close();
    await database.drop();
  }
}, 120_000);

test("two worker processes on one database, the holder paused until its leases lapse, four times: both project, each event once", async () => {
  const database = await createDatabase("fluvius_views_replicas");
  const db = pgDatabase({ connectionString: database.url, max: 2 });
  try {
    const { built, token } = project();
    const { domains } = await built.importGenerated<{ domains: DomainDefinition[] }>();
    const args = ["--database-url", database.url];
    const serve = await startServe(built.dir, ["--migrate", "--no-workers", ...args], {}, running);
    const workers = await Promise.all([startWorker(built.dir, args, running), startWorker(built.dir, args, running)]);
    const flow = drive(() => serve.url, token);
    await flow.opened;

    // A holder that stops for a while (a long pause) loses its leases: the other process takes
    // the views over, and the first goes on with the pass it was in once it runs again. Only
    // the checkpoint's compare-and-set keeps the two from applying the same events.
    const viewHolders = async () =>
      new Set(
        (await db.query<{ holder: string }>("SELECT holder FROM fluvius.leases WHERE name LIKE 'worker:view:%' AND expires_at > clock_timestamp()")).map(
          (r) => r.holder.split(":")[1] ?? "",
        ),
      );
    const seen = new Set<string>();
    let takeovers = 0;
    for (let swap = 0; swap < 4; swap++) {
      await sleep(400);
      let held = await viewHolders();
      for (let i = 0; i < 120 && held.size === 0; i++) held = await sleep(25).then(viewHolders);
      for (const pid of held) seen.add(pid);
      const paused = workers.find((w) => held.has(String(w.child.pid)));
      const other = workers.find((w) => w !== paused);
      expect(paused, `swap ${swap}: view leases held by ${[...held].join(", ") || "nobody"}`).toBeDefined();
      paused?.child.kill("SIGSTOP");
      await db.query("UPDATE fluvius.leases SET expires_at = clock_timestamp() - interval '1 second' WHERE name LIKE 'worker:view:%'");
      const takenOver = async () => {
        const now = await viewHolders();
        return now.size === 1 && now.has(String(other?.child.pid));
      };
      // The other may be stuck behind a row lock the stopped one holds (its commit, in flight): then not this time.
      let taken = false;
      for (let i = 0; i < 120 && !taken; i++) taken = await sleep(25).then(takenOver);
      if (taken) {
        takeovers++;
        seen.add(String(other?.child.pid));
      }
      paused?.child.kill("SIGCONT");
    }
    expect(takeovers).toBeGreaterThan(0);
    await flow.stop();
    expect(flow.acknowledged()).toBeGreaterThan(100);
    // Both processes held the views' leases in turn.
    expect([...seen].sort()).toEqual(workers.map((w) => String(w.child.pid)).sort());

    await expectExact(db, viewsOf(domains), () => workers.map((w) => w.output()).join("\n--- other worker ---\n"));
    for (const process of [serve, ...workers]) {
      process.child.kill("SIGTERM");
      expect(await exited(process.child)).toBe(0);
    }
  } finally {
    await db.close();
    await database.drop();
  }
}, 120_000);
