/**
 * The flow of the asynchronous views' crash tests (views-kill.test.ts): a project whose
 * views count, add and set; deposits over HTTP that ride out a dead server; the rows the
 * log says the views must hold, and the check against them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { expect } from "vitest";
import { createStore, pgDatabase, viewStatus, type Database, type ViewDefinition } from "@fluvius/runtime";
import { runCli } from "../helpers/cli.js";
import { repoRoot } from "../helpers/fixtures.js";
import { buildProjectFromSpecs, replaceStub, type BuiltProject } from "../helpers/project.js";

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
export const ACCOUNTS = 36;
const CLIENTS = 8;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const owner = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

/** Opens the accounts, then deposits from `CLIENTS` loops to whichever server `url()` names, riding out a dead one. */
export function drive(url: () => string, token: string) {
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
export async function expectedFromLog(db: Database): Promise<Expected> {
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
    totals: Object.fromEntries(
      Object.entries(totals).map(([k, r]) => [
        k,
        { accounts: r.accounts, deposits: r.deposits, total: (r.cents / 100).toFixed(2), version: r.accounts + r.deposits },
      ]),
    ),
    last,
  };
}

export async function rowsOf(db: Database): Promise<Expected> {
  const totals = await db.query<{ owner: string; accounts: number; deposits: number; total: string; _version: number }>(
    'SELECT owner::text AS owner, accounts::int AS accounts, deposits::int AS deposits, total::text AS total, _version::int AS _version FROM "tally"."owner_totals"',
  );
  const last = await db.query<{ owner: string; account_id: string; amount: string }>(
    'SELECT owner::text AS owner, account_id::text AS account_id, amount::text AS amount FROM "tally"."last_deposit"',
  );
  return {
    totals: Object.fromEntries(totals.map((r) => [r.owner, { accounts: r.accounts, deposits: r.deposits, total: r.total, version: r._version }])),
    last: Object.fromEntries(last.map((r) => [r.owner, { accountId: r.account_id, amount: r.amount }])),
  };
}

export async function lagOf(db: Database, views: readonly ViewDefinition[]) {
  return (await viewStatus(createStore(db), views)).map((s) => s.lag).reduce((a, b) => a + b, 0);
}

/** Waits for the projectors to catch up, then checks every row against the log. */
export async function expectExact(db: Database, views: readonly ViewDefinition[], output: () => string) {
  for (let i = 0; i < 600 && (await lagOf(db, views)) > 0; i++) await sleep(100);
  const statuses = await viewStatus(createStore(db), views);
  expect(
    statuses.map((s) => [s.worker, s.lag, s.parked, s.retrying]),
    output(),
  ).toEqual([
    ["view:tally.owner-totals", 0, 0, 0],
    ["view:tally.last-deposit", 0, 0, 0],
  ]);
  const expected = await expectedFromLog(db);
  expect(Object.keys(expected.totals)).toHaveLength(OWNERS);
  expect(await rowsOf(db)).toEqual(expected);
  expect((await db.query<{ n: string }>("SELECT count(*) AS n FROM fluvius.parked"))[0]?.n).toBe("0");
}

export const sourceEvents = async (db: Database) =>
  Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM fluvius.events WHERE stream_type = 'tally.account'"))[0]?.n ?? 0);
export const checkpointOf = async (db: Database, name: string) =>
  (await db.query<{ at: string }>("SELECT tx_id::text || '/' || position::text AS at FROM fluvius.subscriptions WHERE name = $1::text", [name]))[0]?.at ??
  "none";

/**
 * Makes a backlog whatever the machine's speed: holds the views' checkpoint rows locked (the
 * projectors' passes wait on them) until at least `events` source events wait behind them,
 * then lets go. Without it a fast projector keeps up with the deposits and there is nothing
 * to kill it in.
 */
export async function withBacklog(url: string, views: readonly ViewDefinition[], events: number): Promise<number> {
  const holder = pgDatabase({ connectionString: url, max: 1 });
  const db = pgDatabase({ connectionString: url, max: 1 });
  let release = () => {};
  const released = new Promise<void>((r) => (release = r));
  try {
    let locked = () => {};
    const isLocked = new Promise<void>((r) => (locked = r));
    const holding = holder.transaction(async (sql) => {
      await sql.query("SELECT 1 FROM fluvius.subscriptions WHERE name LIKE 'view:%' FOR UPDATE");
      locked();
      await released;
    });
    await Promise.race([isLocked, holding]);
    let lag = await lagOf(db, views);
    for (let i = 0; i < 800 && lag < events; i++) lag = await sleep(25).then(() => lagOf(db, views));
    release();
    await holding;
    return lag;
  } finally {
    release();
    await holder.close();
    await db.close();
  }
}

/** A projector's transaction is open: its rows' statement (one CTE per row) running, or run and not committed. */
export async function projecting(db: Database): Promise<boolean> {
  const [row] = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state IN ('active', 'idle in transaction') AND query LIKE 'WITH vw0 AS%'",
  );
  return Number(row?.n) > 0;
}

/** A dead process's leases would lapse after 15 s; ending them now saves the wait and changes nothing else. */
export async function endLeasesOf(db: Database, child: ChildProcess) {
  await db.query("DELETE FROM fluvius.leases WHERE split_part(holder, ':', 2) = $1::text", [String(child.pid)]);
}

export function project(): { built: BuiltProject; token: string } {
  // A deposit changes nothing in the account's state (the views total it): its evolve step returns the state as it is.
  const built = buildProjectFromSpecs("views-crash", { "tally.yaml": TALLY }, (dir) =>
    replaceStub(dir, "src/domain/tally/account.ts", "evolveDepositMade", "export const evolveDepositMade: types.DepositMadeEvolver = (state) => state;"),
  );
  const token = runCli(["token", "--sub", "clerk-1", "--tenant", "acme", "--role", "clerk"], { cwd: built.dir }).stdout.trim();
  return { built, token };
}

/** `fluvius worker` in `cwd`, resolved once its workers run. */
export function startWorker(cwd: string, args: readonly string[], running: ChildProcess[]): Promise<{ child: ChildProcess; output(): string }> {
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
