/**
 * Views over HTTP on PGlite and PostgreSQL (fixtures/valid/views): orders and spending per
 * customer, revenue per day, the latest reading per device and a feed of order events, each
 * checked against an independent computation from the event log; concurrent commands on one
 * row lose nothing; tenants and policies keep rows apart.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createStore, openParked, replayViews, viewsOf } from "@fluvius/runtime";
import { drainUntilViewsCaughtUp } from "../helpers/drain-views.js";
import { fixturesRoot } from "../helpers/fixtures.js";
import { buildProjectFromSpecs, replaceStub } from "../helpers/project.js";
import { fastifyPath } from "@fluvius/runtime/internal/http/route-table";
import { type BankingApp, startApp } from "./banking-app.js";

const spec = readFileSync(path.join(fixturesRoot, "valid/views/spec/sales.yaml"), "utf8");
/** A domain of views only, fed by another domain's events. */
const REPORTS = `domain: reports
views:
  spend:
    key: $state.customerId
    fields: { placed: { type: Money, default: "0.00" } }
    from: { sales.order.order-placed: { add: { placed: $state.total } } }
types:
  Money: { type: decimal, scale: 2, minimum: "0" }
policies:
  roles: { analyst: {} }
  rules: [{ role: analyst, allow: ["spend:read"] }]
`;
/** The hand-written projector of `order-pipeline`: an order moves from its old status's row to its new one's. */
const PIPELINE = `export const projectOrderPipeline: types.OrderPipelineProjector = ({ source, before, after }) => {
  const into = { key: { status: after.status }, count: ["orders" as const], add: { value: after.total } };
  if (source === "order.order-placed") return into;
  return [{ key: { status: before.status }, subtract: { orders: 1, value: before.total } }, into];
};`;
const project = buildProjectFromSpecs("views", { "sales.yaml": spec, "reports.yaml": REPORTS }, (dir) => {
  // A reading changes nothing in the device's state: the latest-reading view keeps it.
  replaceStub(
    dir,
    "src/domain/sales/device.ts",
    "evolveReadingReported",
    "export const evolveReadingReported: types.ReadingReportedEvolver = (state) => state;",
  );
  const file = path.join(dir, "src/domain/sales/_views.ts");
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("export const projectOrderPipeline");
  writeFileSync(
    file,
    `${text.slice(0, start)}${PIPELINE}${text.slice(text.indexOf("};", start) + 2)}`.replace(
      /import \{ HandlerNotImplementedError \} from "@fluvius\/runtime";\n/,
      "",
    ),
  );
});

const CUSTOMERS = ["7d0c1e52-6f3b-4a7e-9f51-1c2b3d4e5f60", "0b8e3c1a-2d4f-4e6a-8b9c-0d1e2f3a4b5c"];
const today = () => new Date().toISOString().slice(0, 10);

describe.each(["pglite", "postgres"] as const)("views over HTTP on %s", (backend) => {
  let api: BankingApp;
  beforeAll(async () => {
    api = await startApp(backend, project);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function call(tenant: string, roles: string[], method: "GET" | "POST", url: string, body?: unknown, status = 200) {
    const token = await api.token("user-1", tenant, roles);
    const response = await api.app.inject({
      method,
      url: `/api/${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    expect(response.statusCode, response.body).toBe(status);
    return response.json() as Record<string, unknown>;
  }
  const clerk = (method: "GET" | "POST", url: string, body?: unknown) => call("acme", ["clerk"], method, url, body);
  const analyst = async (url: string, tenant = "acme") => call(tenant, ["analyst"], "GET", url);
  const rows = async (url: string, tenant = "acme") => (await analyst(url, tenant)).data as Record<string, unknown>[];
  const idOf = (reply: Record<string, unknown>, aggregate: string) => ((reply.data as Record<string, { _id: string }>)[aggregate] as { _id: string })._id;

  test("each view agrees with a computation from the event log", async () => {
    const orders: { id: string; customer: string; total: string }[] = [];
    for (const [i, customer] of [CUSTOMERS[0], CUSTOMERS[1], CUSTOMERS[0], CUSTOMERS[0]].entries()) {
      const total = `${10 * (i + 1)}.25`;
      orders.push({ id: idOf(await clerk("POST", "sales:place/order/:new", { customerId: customer, total }), "order"), customer: customer ?? "", total });
    }
    await clerk("POST", `sales:ship/order/${orders[0]?.id}`, {});
    await clerk("POST", `sales:ship/order/${orders[1]?.id}`, {});
    await clerk("POST", `sales:ship/order/${orders[2]?.id}`, {});
    await clerk("POST", `sales:cancel/order/${orders[3]?.id}`, { reason: "changed my mind" });
    const device = idOf(await clerk("POST", "sales:register/device/:new", { name: "cellar" }), "device");
    await clerk("POST", `sales:report/device/${device}`, { temperature: 11.5, humidity: 80 });
    await clerk("POST", `sales:report/device/${device}`, { temperature: 12.25 });

    // The independent computation: straight from the events and the orders' totals.
    const events = await api.db.query<{ stream_id: string; event_type: string; actor_id: string; event_id: string; data: Record<string, unknown> }>(
      "SELECT stream_id::text AS stream_id, event_type, actor_id, event_id::text AS event_id, data FROM fluvius.events WHERE tenant = 'acme' AND stream_type = 'sales.order' ORDER BY tx_id, position",
    );
    const customerOf = new Map(orders.map((o) => [o.id, o.customer]));
    const totalOf = new Map(orders.map((o) => [o.id, o.total]));
    const expected = new Map<string, { orders: number; shipped: number; cancelled: number; cents: number }>();
    for (const e of events) {
      const c = customerOf.get(e.stream_id) ?? "";
      const row = expected.get(c) ?? { orders: 0, shipped: 0, cancelled: 0, cents: 0 };
      if (e.event_type === "order-placed") row.orders++;
      if (e.event_type === "order-shipped") {
        row.shipped++;
        row.cents += Math.round(Number(totalOf.get(e.stream_id)) * 100);
      }
      if (e.event_type === "order-cancelled") row.cancelled++;
      expected.set(c, row);
    }
    const perCustomer = await rows("sales.customer-orders/?limit=100");
    expect(perCustomer).toHaveLength(expected.size);
    for (const row of perCustomer) {
      const want = expected.get(String(row.customerId));
      expect(row).toMatchObject({ orders: want?.orders, shipped: want?.shipped, cancelled: want?.cancelled, spent: ((want?.cents ?? 0) / 100).toFixed(2) });
      expect(row._version).toBe((want?.orders ?? 0) + (want?.shipped ?? 0) + (want?.cancelled ?? 0));
    }
    expect(await analyst(`sales.customer-orders/${CUSTOMERS[0]}`)).toMatchObject({
      customerId: CUSTOMERS[0],
      orders: 3,
      shipped: 2,
      cancelled: 1,
      spent: "40.50",
    });

    const revenue = await analyst(`sales.daily-revenue/${today()}`);
    expect(revenue).toMatchObject({ day: today(), shipped: 3, revenue: "60.75" });

    // The latest reading had no humidity: `set` of an absent value clears the field.
    const latest = await analyst(`sales.latest-reading/${device}`);
    expect(latest).toEqual(expect.objectContaining({ streamId: device, name: "cellar", temperature: 12.25, readings: 2, _version: 3 }));
    expect(latest).not.toHaveProperty("humidity");

    // The asynchronous views come with their projectors (`fluvius serve` runs them; here one pass).
    await call("acme", ["analyst"], "GET", `sales.latest-order/${CUSTOMERS[0]}`, undefined, 404);
    await drainUntilViewsCaughtUp(createStore(api.db), { domains: api.domains });
    expect(await openParked(api.db)).toEqual([]);
    const placedEvents = events.filter((e) => e.event_type === "order-placed");
    for (const customer of CUSTOMERS) {
      const latest = placedEvents.filter((e) => customerOf.get(e.stream_id) === customer).at(-1);
      expect(await analyst(`sales.latest-order/${customer}`)).toMatchObject({
        customerId: customer,
        orderId: latest?.stream_id,
        total: totalOf.get(latest?.stream_id ?? ""),
      });
    }
    const statusOf = new Map<string, string>();
    for (const e of events)
      statusOf.set(e.stream_id, { "order-placed": "placed", "order-shipped": "shipped", "order-cancelled": "cancelled" }[e.event_type] ?? "?");
    const pipeline = await rows("sales.order-pipeline/?limit=10");
    const want = (status: string) => {
      const ids = orders.filter((o) => statusOf.get(o.id) === status);
      return { orders: ids.length, value: (ids.reduce((sum, o) => sum + Math.round(Number(o.total) * 100), 0) / 100).toFixed(2) };
    };
    expect(Object.fromEntries(pipeline.map((r) => [r.status, { orders: r.orders, value: r.value }]))).toEqual({
      placed: want("placed"),
      shipped: want("shipped"),
      cancelled: want("cancelled"),
    });

    const feed = await rows("sales.order-feed/?limit=100&sort=_updated.asc");
    expect(feed.map((r) => r.id).sort()).toEqual(events.map((e) => e.event_id).sort());
    expect(feed.find((r) => r.kind === "cancelled")).toMatchObject({ orderId: orders[3]?.id, reason: "changed my mind", actor: "user-1" });
    // Text search reads the view's text fields, as an aggregate's list does.
    expect((await rows("sales.order-feed/?text=MIND")).map((r) => r.reason)).toEqual(["changed my mind"]);
  });

  test("concurrent commands on one row lose nothing", async () => {
    const customer = "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c";
    const placed = await Promise.all(Array.from({ length: 16 }, () => clerk("POST", "sales:place/order/:new", { customerId: customer, total: "1.10" })));
    await Promise.all(placed.map((reply) => clerk("POST", `sales:ship/order/${idOf(reply, "order")}`, {})));
    expect(await analyst(`sales.customer-orders/${customer}`)).toMatchObject({ orders: 16, shipped: 16, spent: "17.60", _version: 32 });
  });

  test("a replay rebuilds every view byte for byte as the commands wrote it (and fills a view emptied by hand)", async () => {
    const views = viewsOf(api.domains);
    const dump = async () => {
      const out: Record<string, unknown> = {};
      for (const v of views) {
        const table = `"${v.table.schema}"."${v.table.table}"`;
        out[v.name] = await api.db.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`);
      }
      return out;
    };
    const before = await dump();
    expect(Object.values(before).every((rows) => Array.isArray(rows) && rows.length > 0)).toBe(true);
    await api.db.query('DELETE FROM "sales"."customer_orders"');
    const definitions = api.domains.flatMap((d) => d.aggregates.map((a) => a.definition));
    const reports = await replayViews(api.db, views, definitions, { batchSize: 7 });
    expect(reports.map((r) => r.view).sort()).toEqual([
      "reports.spend",
      "sales.customer-orders",
      "sales.daily-revenue",
      "sales.latest-order",
      "sales.latest-reading",
      "sales.order-feed",
      "sales.order-pipeline",
    ]);
    expect(await dump()).toEqual(before);
  });

  test("a domain of views only is fed by another domain's commands and has its own /_meta", async () => {
    const rowsOf = (await analyst(`reports.spend/${CUSTOMERS[0]}`)) as { placed: string; _version: number };
    // Customer 0 placed 10.25, 30.25 and 40.25 in the first test.
    expect(rowsOf).toMatchObject({ placed: "80.75", _version: 3 });
    const domainMeta = await api.app.inject({ method: "GET", url: "/api/_meta/reports/" });
    expect(domainMeta.statusCode).toBe(200);
    expect(domainMeta.json()).toMatchObject({ name: "reports", commands: {} });
    const viewMeta = await api.app.inject({ method: "GET", url: "/api/_meta/reports.spend/" });
    expect(viewMeta.statusCode).toBe(200);
    expect(viewMeta.json()).toMatchObject({ name: "reports.spend", idfield: "customerId" });
  });

  test("/_meta describes each view for a generic UI; OpenAPI lists its rows and key", async () => {
    const response = await api.app.inject({ method: "GET", url: "/api/_meta/sales.customer-orders/" });
    expect(response.statusCode).toBe(200);
    const meta = response.json() as {
      name: string;
      idfield: string;
      fields: { name: string; dtype: string; sortable: boolean }[];
      filters: Record<string, unknown>;
    };
    expect(meta).toMatchObject({ name: "sales.customer-orders", idfield: "customerId" });
    expect(meta.fields.map((f) => f.name)).toEqual(["customerId", "_version", "_updated", "orders", "shipped", "cancelled", "spent"]);
    expect(meta.filters).toHaveProperty(["spent.gte"]);
    expect(meta.filters).toHaveProperty(["customerId.eq"]);
    const openApi = JSON.parse(readFileSync(path.join(project.dir, "src/generated/openapi.json"), "utf8")) as { paths: Record<string, unknown> };
    expect(Object.keys(openApi.paths)).toEqual(
      expect.arrayContaining(["/api/sales.customer-orders/", "/api/sales.customer-orders/{customerId}", "/api/sales.daily-revenue/{day}"]),
    );
  });

  test("every operation of the OpenAPI document is a route the server has: both come from one route table", async () => {
    const openApi = JSON.parse(readFileSync(path.join(project.dir, "src/generated/openapi.json"), "utf8")) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(openApi.paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), url: fastifyPath(p) })),
    );
    expect(operations.filter((o) => !api.app.hasRoute({ method: o.method as "GET" | "POST", url: o.url }))).toEqual([]);
    // Views' metadata was served but missing from the document before the table.
    expect(operations).toContainEqual({ method: "GET", url: "/api/_meta/sales.customer-orders/" });
    expect(operations.length).toBeGreaterThan(20);
  });

  test("tenants and policies keep rows apart; a malformed key is a 400, an absent row a 404", async () => {
    expect(await rows("sales.customer-orders/", "globex")).toEqual([]);
    await call("globex", ["analyst"], "GET", `sales.customer-orders/${CUSTOMERS[0]}`, undefined, 404);
    await call("acme", ["clerk"], "GET", "sales.customer-orders/", undefined, 403);
    const bad = await call("acme", ["analyst"], "GET", "sales.customer-orders/not-a-uuid", undefined, 400);
    expect(JSON.stringify(bad)).toContain("customerId");
    await call("acme", ["analyst"], "GET", "sales.daily-revenue/2026-02-30x", undefined, 400);
    await call("acme", ["analyst"], "GET", "sales.daily-revenue/1999-01-01", undefined, 404);
    const filtered = await rows(`sales.customer-orders/?query=${encodeURIComponent(JSON.stringify({ "orders.gte": 3, "orders.lt": 10 }))}`);
    expect(filtered.map((r) => r.customerId)).toEqual([CUSTOMERS[0]]);
  });
});
