/**
 * Asynchronous views (`async: true`) on PGlite and PostgreSQL: kept by a projection worker in
 * the log's order, so `set` may change rows that several streams feed ("the latest deal per
 * customer"), checked against a computation from the log; two projectors racing apply each
 * event once; an event whose change the database refuses is parked and reported while the
 * other views go on; a rebuild gives the same rows byte for byte.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createStore, openParked, replayViews, retryParked, skipParked, viewStatus, viewsOf, type EventStore } from "@fluvius/runtime";
import { drainUntilViewsCaughtUp } from "../helpers/drain-views.js";
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
  open-deals:
    description: The deals of each customer still open, oldest first
    async: true
    key: $state.customerId
    fields: { deals: { type: "uuid[]", default: [] } }
    from:
      deal.deal-opened: { push: { deals: $event.streamId } }
      deal.deal-won: { pull: { deals: $event.streamId } }
  pipeline:
    description: Deals and their amount per stage and owner
    handler: true
    key: [stage, owner]
    fields:
      stage: { enum: [lead, won, lost] }
      owner: string
      deals: { type: integer, default: 0 }
      amount: { type: Money, default: "0.00" }
    from: [deal.deal-opened, deal.deal-won]
policies:
  roles: { seller: {}, analyst: {} }
  rules:
    - { role: seller, allow: ["deal:*"] }
    - { role: seller, allow: ["pipeline:read"], where: { owner: $actor.id } }
    - { role: analyst, allow: ["latest-deal:read", "won-by-customer:read", "open-deals:read", "pipeline:read"] }
`;

/** A deal moves from its old stage's row to its new one's; an amount of 13.13 is a bug in it (it throws). */
const PIPELINE = `export const projectPipeline: types.PipelineProjector = ({ source, before, after }) => {
  if (after.amount === "13.13") throw new Error("unlucky amount");
  const into = { key: { stage: after.stage, owner: after.owner ?? "?" }, count: ["deals" as const], add: { amount: after.amount } };
  if (source === "deal.deal-opened") return into;
  return [{ key: { stage: before.stage, owner: before.owner ?? "?" }, subtract: { deals: 1, amount: before.amount } }, into];
};`;

const project = buildProjectFromSpecs("async-views", { "crm.yaml": CRM }, (dir) => {
  const views = `${dir}/src/domain/crm/_views.ts`;
  const stub = readFileSync(views, "utf8");
  const at = stub.indexOf("export const projectPipeline");
  writeFileSync(
    views,
    `${stub.slice(0, at)}${PIPELINE}${stub.slice(stub.indexOf("};", at) + 2)}`.replace(
      /import \{ HandlerNotImplementedError \} from "@fluvius\/runtime";\n/,
      "",
    ),
  );
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
    const response = await api.app.inject({
      method,
      url: `/api/${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    expect(response.statusCode, response.body).toBe(status);
    return response.json() as Record<string, unknown>;
  }
  const open = async (seller: string, customerId: string, amount: string) => {
    const reply = await call(seller, ["seller"], "POST", "crm:open/deal/:new", { customerId, amount });
    return ((reply.data as Record<string, { _id: string }>).deal as { _id: string })._id;
  };
  const analyst = (url: string, status = 200) => call("analyst-1", ["analyst"], "GET", url, undefined, status);
  const runProjectors = () => drainUntilViewsCaughtUp(store, { domains: api.domains });

  test("`set` on rows of several streams follows the log's order; nothing is there before the projector ran", async () => {
    const deals = await Promise.all(Array.from({ length: 12 }, (_, i) => open(SELLERS[i % 2] ?? "", CUSTOMERS[i % 2] ?? "", `${i + 1}.50`)));
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
      expect(await analyst(`crm.latest-deal/${customer}`)).toMatchObject({
        customerId: customer,
        dealId: latest?.stream_id,
        amount: latest?.data.amount,
        openedBy: latest?.actor_id,
        deals: mine.length,
        _version: mine.length,
      });
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
      ["view:crm.open-deals", 0, 0],
      ["view:crm.pipeline", 0, 0],
    ]);
    // push and pull in the log's order: each customer's deals not won, in the order they were opened.
    const won = new Set(deals.slice(0, 4));
    for (const customer of CUSTOMERS) {
      const open = events.filter((e) => e.data.customerId === customer && !won.has(e.stream_id)).map((e) => e.stream_id);
      expect(await analyst(`crm.open-deals/${customer}`)).toMatchObject({ deals: open });
    }
    // The hand-written pipeline agrees with the deals' current stages.
    expect(await pipelineRows()).toEqual(await pipelineFromLog());
    // A seller's policy (`where: { owner: $actor.id }`) shows their own rows only; another tenant sees none.
    const mine = (await call(SELLERS[0] ?? "", ["seller"], "GET", "crm.pipeline/?limit=100")).data as { owner: string }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((r) => r.owner))).toEqual(new Set([SELLERS[0]]));
    await call(SELLERS[0] ?? "", ["seller"], "GET", `crm.pipeline/lead/${SELLERS[1]}`, undefined, 404);
    expect(await call(SELLERS[0] ?? "", ["seller"], "GET", `crm.pipeline/lead/${SELLERS[0]}`)).toMatchObject({ stage: "lead", owner: SELLERS[0] });
    const token = await api.token("analyst-2", "globex", ["analyst"]);
    const other = await api.app.inject({ method: "GET", url: "/api/crm.pipeline/", headers: { authorization: `Bearer ${token}` } });
    expect((other.json() as { data: unknown[] }).data).toEqual([]);
  });

  async function pipelineRows() {
    const rows = (await analyst("crm.pipeline/?limit=100")).data as { stage: string; owner: string; deals: number; amount: string }[];
    return Object.fromEntries(rows.filter((r) => r.deals > 0).map((r) => [`${r.stage}/${r.owner}`, { deals: r.deals, amount: r.amount }]));
  }
  /** The independent computation: each deal's stage, owner and amount from its events. */
  async function pipelineFromLog(except: readonly string[] = []) {
    const events = await api.db.query<{ stream_id: string; event_type: string; data: { amount?: string; owner?: string } }>(
      "SELECT stream_id::text AS stream_id, event_type, data FROM fluvius.events WHERE tenant = 'acme' AND stream_type = 'crm.deal' ORDER BY tx_id, position",
    );
    const deals = new Map<string, { stage: string; owner: string; cents: number }>();
    for (const e of events) {
      if (e.event_type === "deal-opened") deals.set(e.stream_id, { stage: "lead", owner: e.data.owner ?? "", cents: Math.round(Number(e.data.amount) * 100) });
      else if (e.event_type === "deal-won") deals.set(e.stream_id, { ...deals.get(e.stream_id)!, stage: "won" });
    }
    const out: Record<string, { deals: number; cents: number }> = {};
    for (const [id, d] of deals) {
      if (except.includes(id)) continue;
      const row = (out[`${d.stage}/${d.owner}`] ??= { deals: 0, cents: 0 });
      row.deals++;
      row.cents += d.cents;
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { deals: v.deals, amount: (v.cents / 100).toFixed(2) }]));
  }

  test("a projector that throws has its event parked and reported; the other views go on", async () => {
    const deal = await open(SELLERS[0] ?? "", CUSTOMERS[1] ?? "", "13.13");
    const reports: string[] = [];
    await drainUntilViewsCaughtUp(store, { domains: api.domains, onParked: (p) => reports.push(`${p.reaction} ${p.eventId}`) });
    const [parked, ...more] = await openParked(api.db, "view:crm.pipeline");
    expect(more).toEqual([]);
    expect(parked).toMatchObject({ status: "parked", error: { code: "projection-failed", message: "unlucky amount" } });
    expect(reports).toEqual([`view:crm.pipeline ${parked?.eventId}`]);
    // latest-deal has the deal; the pipeline has every deal but it.
    expect(await analyst(`crm.latest-deal/${CUSTOMERS[1]}`)).toMatchObject({ dealId: deal, amount: "13.13" });
    expect(await pipelineRows()).toEqual(await pipelineFromLog([deal]));
    expect((await skipParked(api.db, parked?.id ?? "")).ok).toBe(true);
  });

  test("an event the database refuses for one view is parked and reported; the others go on", async () => {
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
      for (const v of views)
        out[v.name] = await api.db.query(`SELECT to_jsonb(t) AS row FROM "${v.table.schema}"."${v.table.table}" t ORDER BY to_jsonb(t)::text`);
      return out;
    };
    const before = await dump();
    await api.db.query('DELETE FROM "crm"."latest_deal"');
    const definitions = api.domains.flatMap((d) => d.aggregates.map((a) => a.definition));
    const reports = await replayViews(api.db, views, definitions, { batchSize: 5 });
    expect(reports.map((r) => r.view)).toEqual(["crm.latest-deal", "crm.won-by-customer", "crm.open-deals", "crm.pipeline"]);
    expect(await dump()).toEqual(before);
    const next = await open(SELLERS[0] ?? "", CUSTOMERS[1] ?? "", "1.00");
    await runProjectors();
    expect(await analyst(`crm.latest-deal/${CUSTOMERS[1]}`)).toMatchObject({ dealId: next, amount: "1.00", deals: 8 });
  });
});
