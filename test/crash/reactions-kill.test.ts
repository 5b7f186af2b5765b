import type { ChildProcess } from "node:child_process";
import { afterEach, expect, test } from "vitest";
import { pgDatabase } from "@fluvius/runtime";
import { runCli } from "../helpers/cli.js";
import { createDatabase } from "../helpers/postgres.js";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { exited, startServe, type RunningServe } from "../helpers/serve.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { HOOK_SECRET, SHOP_CONFIG, SHOP_SPEC, drive, expectEveryReactionOnce, receiveStocks, type Acknowledged } from "./shop-flow.js";

/**
 * kill -9 of `fluvius serve` in the middle of a flow of reactions, then a restart: every
 * reaction's command applied exactly once, no timer lost, every webhook delivery received at
 * least once with the same body, and no acknowledged command lost.
 */

const running: ChildProcess[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
  for (const receiver of receivers.splice(0)) await receiver.close();
});

test("kill -9 of serve mid-flow, restart: reactions applied exactly once, no timer lost, webhooks at least once with identical payloads", async () => {
  const hook = await startWebhookReceiver(HOOK_SECRET);
  receivers.push(hook);
  const database = await createDatabase("fluvius_crash_reactions");
  const db = pgDatabase({ connectionString: database.url, max: 2 });
  try {
    const project = buildProjectFromSpecs("reactions-crash", { "shop.yaml": SHOP_SPEC }, undefined, { "fluvius.yaml": SHOP_CONFIG });
    const env = { SHIP_HOOK_URL: hook.url, SHIP_HOOK_SECRET: HOOK_SECRET };
    const args = ["--database-url", database.url];
    const token = runCli(["token", "--sub", "clerk-1", "--tenant", "acme", "--role", "clerk"], { cwd: project.dir }).stdout.trim();
    const first: RunningServe = await startServe(project.dir, ["--migrate", ...args], env, running);
    const stocks = await receiveStocks(first.url, token);

    const acked: Acknowledged = { orders: [], confirmed: [], shipped: [] };
    const before = drive(first.url, token, stocks, acked);
    // Kill it while orders flow and its workers react to them.
    for (let i = 0; i < 600 && acked.orders.length < 40; i++) await new Promise((r) => setTimeout(r, 25));
    first.child.kill("SIGKILL");
    await exited(first.child);
    await before.done;
    const killedAt = acked.orders.length;
    expect(killedAt).toBeGreaterThanOrEqual(40);

    const second = await startServe(project.dir, args, env, running);
    const after = drive(second.url, token, stocks, acked);
    for (let i = 0; i < 600 && acked.orders.length < killedAt + 30; i++) await new Promise((r) => setTimeout(r, 25));
    await after.stop();

    await expectEveryReactionOnce(db, hook, acked, second.output);

    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  } finally {
    await db.close();
    await database.drop();
  }
}, 300_000);
