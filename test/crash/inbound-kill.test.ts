import type { ChildProcess } from "node:child_process";
import { afterEach, expect, test } from "vitest";
import { pgDatabase, type Database } from "@fluvius/runtime";
import { runCli } from "../helpers/cli.js";
import { CUSTOMER, LINE, SHOP_SERVICE_SPEC, ledgerConfig, ledgerSpec, shopServiceConfig } from "../helpers/inbound-projects.js";
import { createDatabase } from "../helpers/postgres.js";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { exited, startServe, type RunningServe } from "../helpers/serve.js";
import { NATS_URL, natsFixture } from "../runtime/integrations/nats-helpers.js";

/**
 * Two services, each a `fluvius serve` on its own PostgreSQL database, talking through the
 * real NATS JetStream server: the shop forwards its public events, the ledger consumes them
 * as external events and invoices every order. The ledger is killed with SIGKILL while
 * orders flow, then restarted: every public event recorded once in its inbox, every order
 * invoiced once, every shipment sent once, nothing parked.
 */

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

const count = async (db: Database, sql: string) => Number((await db.query<{ n: string }>(sql))[0]?.n ?? 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("kill -9 of the consuming service mid-flow, restart: each external event recorded once, each order invoiced once", async () => {
  const nats = await natsFixture();
  const [shopDb, ledgerDb] = await Promise.all([createDatabase("fluvius_crash_shop"), createDatabase("fluvius_crash_ledger")]);
  const shopSql = pgDatabase({ connectionString: shopDb.url, max: 2 });
  const ledgerSql = pgDatabase({ connectionString: ledgerDb.url, max: 2 });
  try {
    const shopPrefix = nats.prefix("shop");
    const shop = buildProjectFromSpecs("inbound-crash-shop", { "shop.yaml": SHOP_SERVICE_SPEC }, undefined, { "fluvius.yaml": shopServiceConfig(shopPrefix) });
    const ledger = buildProjectFromSpecs("inbound-crash-ledger", { "ledger.yaml": ledgerSpec(shopPrefix) }, undefined, {
      "fluvius.yaml": ledgerConfig(nats.prefix("ledger")),
    });
    const env = { NATS_URL };
    const shopServe = await startServe(shop.dir, ["--migrate", "--database-url", shopDb.url], env, running);
    const ledgerArgs = ["--database-url", ledgerDb.url];
    const first: RunningServe = await startServe(ledger.dir, ["--migrate", ...ledgerArgs], env, running);
    expect(first.output()).toContain("2 consumer(s) of external events");

    const token = runCli(["token", "--sub", "clerk-1", "--tenant", "acme", "--role", "clerk"], { cwd: shop.dir }).stdout.trim();
    const orders: string[] = [];
    let stopped = false;
    const driving = (async () => {
      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${shopServe.url}/api/${path}`, { method: "POST", headers, body: JSON.stringify(body) });
        expect(response.status, await response.clone().text()).toBe(200);
        return (await response.json()) as { data: Record<string, { _id: string }> };
      };
      for (let n = 0; !stopped; n++) {
        const placed = await post("shop:place/order/:new", { customerId: CUSTOMER, lines: [LINE], total: `${(n % 90) + 1}.00` });
        const id = placed.data.order?._id ?? "";
        orders.push(id);
        if (n % 3 === 0) await post(`shop:ship/order/${id}`, { trackingNumber: `T-${n}` });
      }
    })();

    // Kill the ledger while invoices are being opened.
    const invoices = () => count(ledgerSql, "SELECT count(*) AS n FROM fluvius.events WHERE stream_type = 'ledger.invoice' AND event_type = 'invoice-opened'");
    for (let i = 0; i < 1200 && (await invoices()) < 15; i++) await sleep(25);
    expect(await invoices()).toBeGreaterThanOrEqual(15);
    first.child.kill("SIGKILL");
    await exited(first.child);
    const killedAt = orders.length;
    await sleep(500);

    const second = await startServe(ledger.dir, ledgerArgs, env, running);
    for (let i = 0; i < 1200 && orders.length < killedAt + 30; i++) await sleep(25);
    stopped = true;
    await driving;

    // What the shop holds is the truth: every public event it recorded reaches the ledger.
    const published = await count(shopSql, "SELECT count(*) AS n FROM fluvius.events WHERE event_type IN ('order-placed', 'order-shipped')");
    const shipped = await count(shopSql, "SELECT count(*) AS n FROM fluvius.events WHERE event_type = 'order-shipped'");
    const settled = async () =>
      (await count(ledgerSql, "SELECT count(*) AS n FROM fluvius.events WHERE stream_type = 'ledger.external'")) === published &&
      (await invoices()) === orders.length &&
      (await count(ledgerSql, "SELECT count(*) AS n FROM fluvius.events WHERE event_type = 'invoice-sent'")) === shipped;
    for (let i = 0; i < 600 && !(await settled()); i++) await sleep(100);
    expect(await settled(), second.output()).toBe(true);

    // Once each: per shop event one inbox event, per order one invoice, per shipment one send.
    const twice = async (sql: string) => (await ledgerSql.query<{ key: string; n: string }>(sql)).filter((r) => Number(r.n) !== 1);
    expect(await twice("SELECT causation_id AS key, count(*) AS n FROM fluvius.events WHERE stream_type = 'ledger.external' GROUP BY 1")).toEqual([]);
    expect(await twice("SELECT stream_id::text AS key, count(*) AS n FROM fluvius.events WHERE event_type = 'invoice-opened' GROUP BY 1")).toEqual([]);
    expect(await twice("SELECT stream_id::text AS key, count(*) AS n FROM fluvius.events WHERE event_type = 'invoice-sent' GROUP BY 1")).toEqual([]);
    const invoiced = new Set((await ledgerSql.query<{ id: string }>('SELECT _id::text AS id FROM "ledger"."invoice"')).map((r) => r.id));
    expect(orders.filter((id) => !invoiced.has(id))).toEqual([]);
    expect(await count(ledgerSql, "SELECT count(*) AS n FROM fluvius.parked")).toBe(0);

    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  } finally {
    await Promise.all([shopSql.close(), ledgerSql.close()]);
    await Promise.all([shopDb.drop(), ledgerDb.drop()]);
    await nats.cleanUp();
  }
}, 300_000);
