import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterEach, expect, test } from "vitest";
import { createStore, pgDatabase, viewStatus, viewsOf, type Database, type DomainDefinition, type ViewDefinition } from "../../src/runtime/index.js";
import { runCli } from "../helpers/cli.js";
import { repoRoot } from "../helpers/fixtures.js";
import { createDatabase } from "../helpers/postgres.js";
import { buildProjectFromSpecs, type BuiltProject } from "../helpers/project.js";
import { exited, startServe, type RunningServe } from "../helpers/serve.js";

/**
 * Asynchronous views under crashes, on PostgreSQL: `count` and `add` are not idempotent, so an
 * event applied twice (rows committed, checkpoint not) or skipped shows in the totals; `set`
 * shows an event applied out of the log's order. Deposits flow over HTTP while `fluvius
 * serve` is killed with SIGKILL mid-projection, three times; then two `fluvius worker`
 * processes share one database and the test pauses the views' holder (SIGSTOP) and lets
 * its leases lapse, so the other takes over while the first is still in its pass: only the
 * checkpoint's compare-and-set keeps each event once. Every row
 * must equal what the test computes from fluvius.events, and nothing is parked.
 */

const TALLY = `domain: tally
types:
  Money: { type: decimal, scale: 2, minimum: "0" }
aggregates:
  account:
    state:
      owner: uuid
    actions:
      open: { creates: true, payload: { owner: uuid }, emits: account-opened }
      deposit: { payload: { amount: Money }, emits: deposit-made }
    events:
      account-opened: { payload: { owner: uuid }, apply: { set: { owner: $payload.owner } } }
      deposit-made: { payload: { amount: Money } }
views:
  owner-totals:
    async: true
    key: $state.owner
    fields:
      accounts: { type: integer, default: 0 }
      deposits: { type: integer, default: 0 }
      total: { type: Money, default: "0.00" }
    from:
      account.account-opened: { count: [accounts] }
      account.deposit-made: { count: [deposits], add: { total: $event.data.amount } }
  last-deposit:
    async: true
    key: $state.owner
    fields:
      accountId: uuid?
      amount: Money?
    from:
      account.deposit-made: { set: { accountId: $event.streamId, amount: $event.data.amount } }
policies:
  roles: { clerk: {} }
  rules:
    - { role: clerk, allow: ["account:*", "owner-totals:read", "last-deposit:read"] }
`;

const OWNERS = 12;
const ACCOUNTS = 36;
const CLIENTS = 8;

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const owner = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

/** Opens the accounts, then deposits from `CLIENTS` loops to whichever server `url()` names, riding out a dead one. */
function drive(url: () => string, token: string) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${url()}/api/${route}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { data: Record<string, { _id: string }> };
  };
  let stopped = false;
  let acknowledged = 0;
  const accounts: string[] = [];
  const opened = (async () => {
    for (let i = 0; i < ACCOUNTS; i++) accounts.push((await post("tally:open/account/:new", { owner: owner(i % OWNERS) })).data["account"]?._id ?? "");
  })();
  const loops = opened.then(() =>
    Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let n = c; !stopped; n += CLIENTS) {
          const amount = `${(n % 97) + 1}.${String(n % 100).padStart(2, "0")}`;
          try {
            await post(`tally:deposit/account/${accounts[n % ACCOUNTS]}`, { amount });
            acknowledged++;
          } catch {
            // The server is down (killed): try again shortly, on whichever server runs then.
            await sleep(50);
          }
        }
      }),
    ),
  );
  return {
    opened,
    acknowledged: () => acknowledged,
    async stop() {
      stopped = true;
      await loops;
    },
  };
}

interface Expected {
  totals: Record<string, { accounts: number; deposits: number; total: string; version: number }>;
  last: Record<string, { accountId: string; amount: string }>;
}

/** The independent computation: the views' rows from fluvius.events, in the log's order. */
async function expectedFromLog(db: Database): Promise<Expected> {
  const events = await db.query<{ stream_id: string; event_type: string; data: { owner?: string; amount?: string } }>(
    "SELECT e.stream_id::text AS stream_id, e.event_type, e.data FROM fluvius.events e WHERE e.stream_type = 'tally.account' ORDER BY e.tx_id, e.position",
  );
  const ownerOf = new Map<string, string>();
  const totals: Record<string, { accounts: number; deposits: number; cents: number }> = {};
  const last: Expected["last"] = {};
  for (const e of events) {
    if (e.event_type === "account-opened") ownerOf.set(e.stream_id, e.data.owner ?? "");
    const key = ownerOf.get(e.stream_id) ?? "";
    const row = (totals[key] ??= { accounts: 0, deposits: 0, cents: 0 });
    if (e.event_type === "account-opened") row.accounts++;
    else {
      row.deposits++;
      row.cents += Math.round(Number(e.data.amount) * 100);
      last[key] = { accountId: e.stream_id, amount: e.data.amount ?? "" };
    }
  }
  return {
    // Each event is one change of its row: the row's version counts the changes applied.
    totals: Object.fromEntries(Object.entries(totals).map(([k, r]) => [k, { accounts: r.accounts, deposits: r.deposits, total: (r.cents / 100).toFixed(2), version: r.accounts + r.deposits }])),
    last,
  };
}

async function rowsOf(db: Database): Promise<Expected> {
  const totals = await db.query<{ owner: string; accounts: number; deposits: number; total: string; _version: number }>(
    'SELECT owner::text AS owner, accounts::int AS accounts, deposits::int AS deposits, total::text AS total, _version::int AS _version FROM "tally"."owner_totals"',
  );
  const last = await db.query<{ owner: string; account_id: string; amount: string }>('SELECT owner::text AS owner, account_id::text AS account_id, amount::text AS amount FROM "tally"."last_deposit"');
  return {
    totals: Object.fromEntries(totals.map((r) => [r.owner, { accounts: r.accounts, deposits: r.deposits, total: r.total, version: r._version }])),
    last: Object.fromEntries(last.map((r) => [r.owner, { accountId: r.account_id, amount: r.amount }])),
  };
}

async function lagOf(db: Database, views: readonly ViewDefinition[]) {
  return (await viewStatus(createStore(db), views)).map((s) => s.lag).reduce((a, b) => a + b, 0);
}

/** Waits for the projectors to catch up, then checks every row against the log. */
async function expectExact(db: Database, views: readonly ViewDefinition[], output: () => string) {
  for (let i = 0; i < 600 && (await lagOf(db, views)) > 0; i++) await sleep(100);
  const statuses = await viewStatus(createStore(db), views);
  expect(statuses.map((s) => [s.worker, s.lag, s.parked, s.retrying]), output()).toEqual([
    ["view:tally.owner-totals", 0, 0, 0],
    ["view:tally.last-deposit", 0, 0, 0],
  ]);
  const expected = await expectedFromLog(db);
  expect(Object.keys(expected.totals)).toHaveLength(OWNERS);
  expect(await rowsOf(db)).toEqual(expected);
  expect((await db.query<{ n: string }>("SELECT count(*) AS n FROM fluvius.parked"))[0]?.n).toBe("0");
}

const sourceEvents = async (db: Database) => Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM fluvius.events WHERE stream_type = 'tally.account'"))[0]?.n ?? 0);
const checkpointOf = async (db: Database, name: string) =>
  (await db.query<{ at: string }>("SELECT tx_id::text || '/' || position::text AS at FROM fluvius.subscriptions WHERE name = $1::text", [name]))[0]?.at ?? "none";

/** A projector's transaction is open: its rows' statement (one CTE per row) running, or run and not committed. */
async function projecting(db: Database): Promise<boolean> {
  const [row] = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state IN ('active', 'idle in transaction') AND query LIKE 'WITH vw0 AS%'",
  );
  return Number(row?.n) > 0;
}

/** A dead process's leases would lapse after 15 s; ending them now saves the wait and changes nothing else. */
async function endLeasesOf(db: Database, child: ChildProcess) {
  await db.query("DELETE FROM fluvius.leases WHERE split_part(holder, ':', 2) = $1::text", [String(child.pid)]);
}

function project(): { built: BuiltProject; token: string } {
  const built = buildProjectFromSpecs("views-crash", { "tally.yaml": TALLY });
  const token = runCli(["token", "--sub", "clerk-1", "--tenant", "acme", "--role", "clerk"], { cwd: built.dir }).stdout.trim();
  return { built, token };
}

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
      // it, and a projector's transaction is open (its rows' statement running or done, not committed).
      const from = await checkpointOf(db, "view:tally.owner-totals");
      for (let i = 0; i < 400 && ((await checkpointOf(db, "view:tally.owner-totals")) === from || (await lagOf(db, views)) < 20); i++) await sleep(25);
      expect(await lagOf(db, views), `kill ${kill}: no backlog to kill the projectors in\n${serve.output()}`).toBeGreaterThan(0);
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

/** `fluvius worker` in `cwd`, resolved once its workers run. */
function startWorker(cwd: string, args: readonly string[]): Promise<{ child: ChildProcess; output(): string }> {
  const child = spawn(process.execPath, [path.join(repoRoot, "bin/run.js"), "worker", ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
  running.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("workers: ")) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

test("two worker processes on one database, the holder paused until its leases lapse, four times: both project, each event once", async () => {
  const database = await createDatabase("fluvius_views_replicas");
  const db = pgDatabase({ connectionString: database.url, max: 2 });
  try {
    const { built, token } = project();
    const { domains } = await built.importGenerated<{ domains: DomainDefinition[] }>();
    const args = ["--database-url", database.url];
    const serve = await startServe(built.dir, ["--migrate", "--no-workers", ...args], {}, running);
    const workers = await Promise.all([startWorker(built.dir, args), startWorker(built.dir, args)]);
    const flow = drive(() => serve.url, token);
    await flow.opened;

    // A holder that stops for a while (a long pause) loses its leases: the other process takes
    // the views over, and the first goes on with the pass it was in once it runs again. Only
    // the checkpoint's compare-and-set keeps the two from applying the same events.
    const viewHolders = async () =>
      new Set((await db.query<{ holder: string }>("SELECT holder FROM fluvius.leases WHERE name LIKE 'worker:view:%' AND expires_at > clock_timestamp()")).map((r) => r.holder.split(":")[1] ?? ""));
    const seen = new Set<string>();
    for (let swap = 0; swap < 4; swap++) {
      await sleep(400);
      const held = await viewHolders();
      for (const pid of held) seen.add(pid);
      const paused = workers.find((w) => held.has(String(w.child.pid)));
      const other = workers.find((w) => w !== paused);
      expect(paused, `view leases held by ${[...held].join(", ")}`).toBeDefined();
      paused?.child.kill("SIGSTOP");
      await db.query("UPDATE fluvius.leases SET expires_at = clock_timestamp() - interval '1 second' WHERE name LIKE 'worker:view:%'");
      const takenOver = async () => {
        const now = await viewHolders();
        return now.size === 1 && now.has(String(other?.child.pid));
      };
      for (let i = 0; i < 200 && !(await takenOver()); i++) await sleep(25);
      expect(await takenOver(), `swap ${swap}: the other worker did not take the views over`).toBe(true);
      seen.add(String(other?.child.pid));
      paused?.child.kill("SIGCONT");
    }
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
