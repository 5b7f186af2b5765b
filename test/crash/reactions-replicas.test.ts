import type { ChildProcess } from "node:child_process";
import { afterEach, expect, test } from "vitest";
import { pgDatabase } from "@fluvius/runtime";
import { runCli } from "../helpers/cli.js";
import { createDatabase } from "../helpers/postgres.js";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { exited, startServe } from "../helpers/serve.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { HOOK_SECRET, SHOP_CONFIG, SHOP_SPEC, drive, expectEveryReactionOnce, receiveStocks, type Acknowledged } from "./shop-flow.js";

/**
 * Two `fluvius serve` replicas on one PostgreSQL database, both running workers, commands
 * sent to both: each worker runs in one replica at a time (its lease), every reaction's
 * command appears once. Then the replica that holds the leases is killed: the other takes
 * them over once they expire and finishes the flow, still once each.
 */

const running: ChildProcess[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
  for (const receiver of receivers.splice(0)) await receiver.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("two serve replicas on one database: each reaction command once; the survivor takes over the leases of a killed replica", async () => {
  const hook = await startWebhookReceiver(HOOK_SECRET);
  receivers.push(hook);
  const database = await createDatabase("fluvius_replicas");
  const db = pgDatabase({ connectionString: database.url, max: 2 });
  const drives: { stop(): Promise<void> }[] = [];
  try {
    const project = buildProjectFromSpecs("reactions-replicas", { "shop.yaml": SHOP_SPEC }, undefined, { "fluvius.yaml": SHOP_CONFIG });
    const env = { SHIP_HOOK_URL: hook.url, SHIP_HOOK_SECRET: HOOK_SECRET };
    const args = ["--database-url", database.url];
    const token = runCli(["token", "--sub", "clerk-1", "--tenant", "acme", "--role", "clerk"], { cwd: project.dir }).stdout.trim();
    const a = await startServe(project.dir, ["--migrate", ...args], env, running);
    const b = await startServe(project.dir, args, env, running);
    const stocks = await receiveStocks(a.url, token);

    // Orders through both replicas at once.
    const acked: Acknowledged = { orders: [], confirmed: [], shipped: [] };
    const viaA = drive(a.url, token, stocks, acked);
    const viaB = drive(b.url, token, stocks, acked);
    drives.push(viaA, viaB);
    for (let i = 0; i < 600 && acked.orders.length < 40; i++) await pause(25);

    // Each worker has one holder (the lease's primary key), whichever replica took it first.
    const holders = await db.query<{ name: string; holder: string }>("SELECT name, holder FROM fluvius.leases ORDER BY name");
    expect(holders.map((h) => h.name)).toEqual([
      "worker:reaction:shop.expire-unconfirmed",
      "worker:reaction:shop.notify-shipped",
      "worker:reaction:shop.reserve-stock",
      "worker:timers",
    ]);

    // Kill the replica that holds the reserve-stock lease, mid-flow; the other goes on.
    const reserveHolder = holders.find((h) => h.name === "worker:reaction:shop.reserve-stock")?.holder ?? "";
    // A holder is `<host>:<pid>:<random>` (runner.ts).
    const heldBy = (holder: string, child: ChildProcess) => holder.split(":")[1] === String(child.pid);
    const [victim, survivor, victimDrive, survivorDrive] = heldBy(reserveHolder, a.child) ? [a, b, viaA, viaB] : [b, a, viaB, viaA];
    expect(heldBy(reserveHolder, victim.child), `lease holders: ${JSON.stringify(holders)}`).toBe(true);
    victim.child.kill("SIGKILL");
    await exited(victim.child);
    await victimDrive.done;
    const killedAt = acked.orders.length;
    for (let i = 0; i < 600 && acked.orders.length < killedAt + 30; i++) await pause(25);
    await survivorDrive.stop();

    // The survivor took the dead replica's leases over (after they expired) and caught up.
    await expectEveryReactionOnce(db, hook, acked, () => `${survivor.output()}\n--- killed replica ---\n${victim.output()}`);
    const after = await db.query<{ holder: string }>("SELECT holder FROM fluvius.leases WHERE name = 'worker:reaction:shop.reserve-stock'");
    expect(heldBy(after[0]?.holder ?? "", survivor.child), `lease holder: ${after[0]?.holder}`).toBe(true);

    survivor.child.kill("SIGTERM");
    expect(await exited(survivor.child)).toBe(0);
  } finally {
    await Promise.allSettled(drives.map((d) => d.stop()));
    await db.close();
    await database.drop();
  }
}, 300_000);
