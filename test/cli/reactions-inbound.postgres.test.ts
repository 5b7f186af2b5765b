import { afterAll, beforeAll, expect, test } from "vitest";
import { openStore, parkedById, type EventStore } from "@fluvius/runtime";
import { park } from "@fluvius/runtime/internal/runtime/reactions/tables";
import { runCli } from "../helpers/cli.js";
import { ledgerConfig, ledgerSpec } from "../helpers/inbound-projects.js";
import { createDatabase, type TestDatabase } from "../helpers/postgres.js";
import { buildProjectFromSpecs, type BuiltProject } from "../helpers/project.js";
import { shown } from "./reactions-project.js";

/** `fluvius reactions` on a project with external events: their consumers' parked messages are listed, retried and skipped like deliveries. */

let project: BuiltProject;
let database: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  project = buildProjectFromSpecs("reactions-inbound", { "ledger.yaml": ledgerSpec("shop") }, undefined, { "fluvius.yaml": ledgerConfig() });
  database = await createDatabase("fluvius_reactions_inbound");
  const migrated = runCli(["migrate", "up", "--database-url", database.url], { cwd: project.dir });
  expect(migrated.status, shown(migrated)).toBe(0);
  store = await openStore({ url: database.url, maxConnections: 2 });
}, 180_000);

afterAll(async () => {
  await store?.database.close();
  await database?.drop();
});

const cli = (args: readonly string[]) => runCli([...args, "--database-url", database.url], { cwd: project.dir });

test("a parked message of an external event: listed under its consumer, retried and skipped by id or --all --reaction", async () => {
  const parkMessage = async (id: string, key: string) =>
    park(
      store.database,
      {
        id,
        tenant: "acme",
        reaction: "inbound:ledger.order-placed",
        eventId: id,
        attempts: 1,
        error: { code: "invalid-external-event", message: "The data do not fit external event 'order-placed': total must be a decimal string.", details: {} },
        message: { key, subject: "shop.shop.order.order-placed", body: '{"total":"a lot"}', headers: { "Fluvius-Tenant": "acme" } },
      },
      new Date(),
    );
  const [first, second] = ["3b9d8f0e-1c2a-4b5d-9e6f-7a8b9c0d1e2f", "4c0e9a1f-2d3b-4c6e-8f70-8b9cad1e2f30"];
  await parkMessage(first, "m-1");
  await parkMessage(second, "m-2");

  const status = cli(["reactions", "status"]);
  expect(status.status, shown(status)).toBe(0);
  expect(status.stdout).toMatch(
    /EXTERNAL EVENTS\s+PARKED\s+RETRYING\s+HELD BY\n\s*inbound:ledger\.order-placed\s+2\s+0\s+-\n\s*inbound:ledger\.order-shipped\s+0\s+0\s+-/,
  );
  expect(status.stdout).toContain(`${first}  inbound:ledger.order-placed  acme`);
  const json = JSON.parse(cli(["reactions", "status", "--json"]).stdout) as { inbound: { worker: string; parked: number }[] };
  expect(json.inbound).toEqual([
    { worker: "inbound:ledger.order-placed", parked: 2, retrying: 0, heldBy: null },
    { worker: "inbound:ledger.order-shipped", parked: 0, retrying: 0, heldBy: null },
  ]);

  const retried = cli(["reactions", "retry", first]);
  expect(retried.status, shown(retried)).toBe(0);
  expect(retried.stdout).toContain(`queued  ${first}  inbound:ledger.order-placed, tenant acme`);
  // No serve runs: the retry waits for one, and the command says so.
  expect(retried.stdout).toContain("No worker runs inbound:ledger.order-placed now");
  expect((await parkedById(store.database, first))?.status).toBe("retry");

  const skipped = cli(["reactions", "skip", "--all", "--reaction", "inbound:ledger.order-placed"]);
  expect(skipped.status, shown(skipped)).toBe(0);
  expect((await parkedById(store.database, second))?.status).toBe("skipped");
});
