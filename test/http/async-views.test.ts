/**
 * Asynchronous views (`async: true`) on PGlite and PostgreSQL: kept by a projection worker in
 * the log's order, so `set` may change rows that several streams feed ("the latest deal per
 * customer"), checked against a computation from the log; two projectors racing apply each
 * event once; an event whose change the database refuses is parked and reported while the
 * other views go on; a rebuild gives the same rows byte for byte.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createStore, drainReactions, openParked, replayViews, retryParked, skipParked, viewStatus, viewsOf, type EventStore } from "../../src/runtime/index.js";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { type BankingApp, startApp } from "./banking-app.js";

const CRM = `domain: crm
types:
  Money: { type: decimal, scale: 2, minimum: "0" }
aggregates:
  deal:
    state:
      owner: string?
      customerId: uuid?
      amount: { type: Money, default: "0.00" }
      stage: { enum: [lead, won, lost], default: lead }
    actions:
      open: { creates: true, payload: { customerId: uuid, amount: Money }, emits: deal-opened }
      win: { when: { stage: lead }, emits: deal-won }
    events:
      deal-opened:
        payload: { customerId: uuid, amount: Money, owner: string }
        apply: { set: { customerId: $payload.customerId, amount: $payload.amount, owner: $payload.owner } }
      deal-won: { apply: { set: { stage: won } } }
views:
  latest-deal:
    description: The latest deal of each customer, in the log's order
    async: true
    key: $state.customerId
    fields: { dealId: uuid?, amount: Money?, openedBy: uuid?, deals: { type: integer, default: 0 } }
    from:
      deal.deal-opened: { set: { dealId: $event.streamId, amount: $state.amount, openedBy: $event.actorId }, count: [deals] }
  won-by-customer:
    async: true
    key: $state.customerId
    fields: { won: { type: Money, default: "0.00" }, deals: { type: integer, default: 0 } }
    from:
      deal.deal-won: { add: { won: $state.amount }, count: [deals] }
policies:
  roles: { seller: {}, analyst: {} }
  rules:
    - { role: seller, allow: ["deal:*"] }
    - { role: analyst, allow: ["latest-deal:read", "won-by-customer:read"] }
`;

const project = buildProjectFromSpecs("async-views", { "crm.yaml": CRM }, (dir) => {
  // The handler records the actor as the deal's owner (which need not be a UUID: the robot's is not).
  const file = `${dir}/src/domain/crm/deal.ts`;
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("export const handleOpen");
  const end = text.indexOf("};", start) + 2;
  writeFileSync(
    file,
    `${text.slice(0, start)}export const handleOpen: types.OpenHandler = ({ payload, actor }) => ({ type: "deal-opened", version: 1, data: { ...payload, owner: actor.id } });${text.slice(end)}`,
  );
});

const CUSTOMERS = ["7d0c1e52-6f3b-4a7e-9f51-1c2b3d4e5f60", "0b8e3c1a-2d4f-4e6a-8b9c-0d1e2f3a4b5c"];
const SELLERS = ["5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c", "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"];

describe.each(["pglite", "postgres"] as const)("asynchronous views on %s", (backend) => {
  let api: BankingApp;
  let store: EventStore;
  beforeAll(async () => {
    api = await startApp(backend, project);
    store = createStore(api.db);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function call(actor: string, roles: string[], method: "GET" | "POST", url: string, body?: unknown, status = 200) {
    const token = await api.token(actor, "acme", roles);
    const response = await api.app.inject({ method, url: `/api/${url}`, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
    expect(response.statusCode, response.body).toBe(status);
    return response.json() as Record<string, unknown>;
  }
  const open = async (seller: string, customerId: string, amount: string) => {
    const reply = await call(seller, ["seller"], "POST", "crm:open/deal/:new", { customerId, amount });
    return ((reply.data as Record<string, { _id: string }>).deal as { _id: string })._id;
  };
  const analyst = (url: string, status = 200) => call("analyst-1", ["analyst"], "GET", url, undefined, status);
  const runProjectors = () => drainReactions(store, { domains: api.domains, retryDelayMs: 5 });

  test("`set` on rows of several streams follows the log's order; nothing is there before the projector ran", async () => {
    const deals = await Promise.all(
      Array.from({ length: 12 }, (_, i) => open(SELLERS[i % 2] ?? "", CUSTOMERS[i % 2] ?? "", `${i + 1}.50`)),
    );
    // Not kept in the command's write: the row comes with the projector.
    await analyst(`crm.latest-deal/${CUSTOMERS[0]}`, 404);
    // Two projectors at once (a lease that lapsed): each event is applied once.
    await Promise.all([runProjectors(), runProjectors()]);
    const events = await api.db.query<{ stream_id: string; actor_id: string; data: { customerId: string; amount: string } }>(
      "SELECT stream_id::text AS stream_id, actor_id, data FROM fluvius.events WHERE tenant = 'acme' AND event_type = 'deal-opened' ORDER BY tx_id, position",
    );
    expect(events).toHaveLength(deals.length);
    for (const customer of CUSTOMERS) {
      const mine = events.filter((e) => e.data.customerId === customer);
      const latest = mine.at(-1);
      expect(await analyst(`crm.latest-deal/${customer}`)).toMatchObject({ customerId: customer, dealId: latest?.stream_id, amount: latest?.data.amount, openedBy: latest?.actor_id, deals: mine.length, _version: mine.length });
    }
    for (const deal of deals.slice(0, 4)) await call(SELLERS[0] ?? "", ["seller"], "POST", `crm:win/deal/${deal}`, {});
    await runProjectors();
    // Deals 1 and 3 (1.50, 3.50) are the first customer's, 2 and 4 (2.50, 4.50) the second's.
    expect(await analyst(`crm.won-by-customer/${CUSTOMERS[0]}`)).toMatchObject({ won: "5.00", deals: 2 });
    expect(await analyst(`crm.won-by-customer/${CUSTOMERS[1]}`)).toMatchObject({ won: "7.00", deals: 2 });
    const statuses = await viewStatus(store, viewsOf(api.domains));
    expect(statuses.map((s) => [s.worker, s.lag, s.parked])).toEqual([
      ["view:crm.latest-deal", 0, 0],
      ["view:crm.won-by-customer", 0, 0],
    ]);
  });

  test("an event the database refuses for one view is parked and reported; the other views go on", async () => {
    // The robot's id is no UUID: latest-deal's `openedBy` (a uuid) cannot hold it.
    const deal = await open("robot", CUSTOMERS[0] ?? "", "100.00");
    await call(SELLERS[0] ?? "", ["seller"], "POST", `crm:win/deal/${deal}`, {});
    const before = await analyst(`crm.latest-deal/${CUSTOMERS[0]}`);
    const wonBefore = (await analyst(`crm.won-by-customer/${CUSTOMERS[0]}`)) as { won: string };
    await runProjectors();
    const parked = await openParked(api.db, "view:crm.latest-deal");
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ reaction: "view:crm.latest-deal", tenant: "acme", status: "parked", error: { code: "projection-failed" } });
    // latest-deal skipped the event and went on; won-by-customer has the deal.
    expect(await analyst(`crm.latest-deal/${CUSTOMERS[0]}`)).toEqual(before);
    expect(await analyst(`crm.won-by-customer/${CUSTOMERS[0]}`)).toMatchObject({ won: (Number(wonBefore.won) + 100).toFixed(2) });
    const later = await open(SELLERS[1] ?? "", CUSTOMERS[0] ?? "", "9.99");
    await runProjectors();
    expect(await analyst(`crm.latest-deal/${CUSTOMERS[0]}`)).toMatchObject({ dealId: later, amount: "9.99" });
    const [status] = await viewStatus(store, viewsOf(api.domains));
    expect(status).toMatchObject({ worker: "view:crm.latest-deal", lag: 0, parked: 1 });

    // Retried, it fails the same way and is parked again; skipped, it is given up on.
    expect((await retryParked(api.db, parked[0]?.id ?? "")).ok).toBe(true);
    await runProjectors();
    expect(await openParked(api.db, "view:crm.latest-deal")).toMatchObject([{ status: "parked", attempts: 2 }]);
    expect((await skipParked(api.db, parked[0]?.id ?? "")).ok).toBe(true);
    expect(await openParked(api.db, "view:crm.latest-deal")).toEqual([]);
  });

  test("a rebuild gives the projector's rows byte for byte, and the projector goes on after it", async () => {
    const views = viewsOf(api.domains);
    const dump = async () => {
      const out: Record<string, unknown> = {};
      for (const v of views) out[v.name] = await api.db.query(`SELECT to_jsonb(t) AS row FROM "${v.table.schema}"."${v.table.table}" t ORDER BY to_jsonb(t)::text`);
      return out;
    };
    const before = await dump();
    await api.db.query('DELETE FROM "crm"."latest_deal"');
    const definitions = api.domains.flatMap((d) => d.aggregates.map((a) => a.definition));
    const reports = await replayViews(api.db, views, definitions, { batchSize: 5 });
    expect(reports.map((r) => r.view)).toEqual(["crm.latest-deal", "crm.won-by-customer"]);
    expect(await dump()).toEqual(before);
    const next = await open(SELLERS[0] ?? "", CUSTOMERS[1] ?? "", "1.00");
    await runProjectors();
    expect(await analyst(`crm.latest-deal/${CUSTOMERS[1]}`)).toMatchObject({ dealId: next, amount: "1.00", deals: 7 });
  });
});
