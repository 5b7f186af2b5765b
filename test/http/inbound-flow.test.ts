/**
 * Two projects (two databases) exchanging events through the real NATS JetStream server, on
 * PGlite and on PostgreSQL: the shop's forwarder publishes its public events; the ledger (the
 * inbound fixture) declares them as external events, records them in its inbox, and its
 * reactions open and send invoices. Redelivery of everything (a new durable consumer) records
 * nothing twice; a message that does not fit is parked with its body and recorded on retry.
 */
import { headers as natsHeaders } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  connectNatsPublisher,
  createInboundWorker,
  createStore,
  createUpcaster,
  drainReactions,
  forwardPublicEvents,
  inboundConsumerName,
  openParked,
  publicEventsOf,
  retryParked,
  streamDefinitionsOf,
  type EventStore,
  type ExternalEventDefinition,
  type ExtraWorker,
  type NatsPublisher,
} from "@fluvius/runtime";
import { CUSTOMER, LINE, SHOP_SERVICE_SPEC, ledgerConfig, ledgerSpec } from "../helpers/inbound-projects.js";
import { buildProjectFromSpecs, replaceStub } from "../helpers/project.js";
import { NATS_URL, natsFixture } from "../runtime/integrations/nats-helpers.js";
import { type BankingApp, startApp } from "./banking-app.js";

const nats = await natsFixture();
/** The shop's subjects are `<prefix>.shop.order.<event>`: a prefix of this run, so old messages of other runs stay out. */
const shopPrefix = nats.prefix("shop");
// A note stays inside the shop and changes nothing in the order's state: its evolve step returns the state as it is.
const shop = buildProjectFromSpecs("inbound-shop", { "shop.yaml": SHOP_SERVICE_SPEC }, (dir) =>
  replaceStub(dir, "src/domain/shop/order.ts", "evolveOrderNoted", "export const evolveOrderNoted: types.OrderNotedEvolver = (state) => state;"),
);
const ledger = buildProjectFromSpecs("inbound-ledger", { "ledger.yaml": ledgerSpec(shopPrefix) }, undefined, { "fluvius.yaml": ledgerConfig() });

afterAll(async () => {
  await nats.cleanUp();
});

describe.each(["pglite", "postgres"] as const)("two services through JetStream on %s", (backend) => {
  let shopApi: BankingApp;
  let ledgerApi: BankingApp;
  let shopStore: EventStore;
  let ledgerStore: EventStore;
  let shopBroker: NatsPublisher;
  let ledgerBroker: NatsPublisher;
  let externals: readonly ExternalEventDefinition[];
  const service = `ledger_${backend}_${shopPrefix}`;
  // Both backends' ledgers hear the one shop stream of this run: each test run keeps to its own tenants.
  const [acme, globex] = [`acme-${backend}`, `globex-${backend}`];

  beforeAll(async () => {
    [shopApi, ledgerApi] = await Promise.all([startApp(backend, shop), startApp(backend, ledger)]);
    shopStore = createStore(shopApi.db);
    ledgerStore = createStore(ledgerApi.db);
    shopBroker = await connectNatsPublisher({ url: NATS_URL, subjectPrefix: shopPrefix });
    ledgerBroker = await connectNatsPublisher({ url: NATS_URL, subjectPrefix: nats.prefix("ledger") });
    externals = ledgerApi.domains.flatMap((d) => d.externals ?? []);
  });
  afterAll(async () => {
    await Promise.all([shopBroker?.close(), ledgerBroker?.close()]);
    await Promise.all([shopApi?.close(), ledgerApi?.close()]);
  });

  const inbound = (consumer = service, schemaOf = (e: ExternalEventDefinition) => e.schema): ExtraWorker[] =>
    externals.map((external) =>
      createInboundWorker(ledgerStore, {
        external: { ...external, schema: schemaOf(external) },
        connection: ledgerBroker.connection,
        consumerName: inboundConsumerName(consumer, external),
        ackWaitMs: 2000,
      }),
    );

  const forward = () =>
    forwardPublicEvents(shopStore, {
      name: `broker-${backend}`,
      publisher: shopBroker,
      publicEvents: publicEventsOf(shopApi.domains),
      upcast: createUpcaster(streamDefinitionsOf(shopApi.domains)),
    });

  /** The inbound workers, then the ledger's reactions, until nothing is left. */
  const receive = (workers: readonly ExtraWorker[] = inbound()) => drainReactions(ledgerStore, { domains: ledgerApi.domains, workers, retryDelayMs: 5 });

  async function call(api: BankingApp, tenant: string, method: "GET" | "POST", url: string, body?: unknown) {
    const token = await api.token("clerk-1", tenant, ["clerk", "accountant"]);
    const response = await api.app.inject({
      method,
      url: `/api/${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Record<string, unknown>;
  }
  const invoices = async (tenant: string) => {
    const list = (await call(ledgerApi, tenant, "GET", "ledger.invoice/?limit=100")).data as Record<string, unknown>[];
    return [...list].sort((a, b) => String(a._id).localeCompare(String(b._id)));
  };
  const inboxCount = async () => {
    const [row] = await ledgerApi.db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM fluvius.events WHERE stream_type = 'ledger.external' AND tenant = ANY ($1::text[])",
      [[acme, globex]],
    );
    return Number(row?.n ?? 0);
  };

  test("orders placed and shipped in the shop become invoices in the ledger, per tenant, each once", async () => {
    const orders: Record<string, string[]> = { [acme]: [], [globex]: [] };
    for (const tenant of [acme, globex]) {
      for (let i = 0; i < 3; i++) {
        const placed = await call(shopApi, tenant, "POST", "shop:place/order/:new", { customerId: CUSTOMER, lines: [LINE], total: `${i + 1}.00` });
        orders[tenant]?.push(((placed.data as Record<string, { _id: string }>).order as { _id: string })._id);
      }
      await call(shopApi, tenant, "POST", `shop:note/order/${orders[tenant]?.[0] ?? ""}`, { text: "internal: never leaves the shop" });
      await call(shopApi, tenant, "POST", `shop:ship/order/${orders[tenant]?.[1] ?? ""}`, { trackingNumber: `TRACK-${tenant}` });
    }
    expect(await forward()).toBe(8);
    await receive();

    for (const tenant of [acme, globex]) {
      const ids = [...(orders[tenant] ?? [])].sort();
      const rows = await invoices(tenant);
      // One invoice per order, under the order's id (`id: $event.streamId` of the external event).
      expect(rows.map((r) => r._id)).toEqual(ids);
      const byId = new Map(rows.map((r) => [r._id, r]));
      for (const [i, id] of (orders[tenant] ?? []).entries()) {
        expect(byId.get(id)).toMatchObject({ customerId: CUSTOMER, amount: `${i + 1}.00`, status: i === 1 ? "sent" : "open" });
      }
      expect(byId.get(orders[tenant]?.[1])).toMatchObject({ trackingNumber: `TRACK-${tenant}` });
    }
    expect(await inboxCount()).toBe(8);

    // The inbox keeps the chain: the shop's event caused the ledger's, the reaction's command is caused by the inbox event.
    const [inboxed] = await ledgerApi.db.query<{ causation_id: string; stream_id: string }>(
      "SELECT causation_id, stream_id::text AS stream_id FROM fluvius.events WHERE stream_type = 'ledger.external' AND event_type = 'order-shipped' AND tenant = $1::text",
      [acme],
    );
    const [source] = await shopApi.db.query<{ event_id: string }>(
      "SELECT event_id::text AS event_id FROM fluvius.events WHERE event_type = 'order-shipped' AND tenant = $1::text",
      [acme],
    );
    expect(inboxed?.causation_id).toBe(source?.event_id);
    expect(inboxed?.stream_id).toBe(orders[acme]?.[1]);
  });

  test("everything delivered again (a new durable consumer reads the stream from its start) records nothing twice", async () => {
    const before = { inbox: await inboxCount(), acme: await invoices(acme), globex: await invoices(globex) };
    const [versions] = await ledgerApi.db.query<{ n: string | number }>("SELECT count(*) AS n FROM fluvius.events WHERE stream_type = 'ledger.invoice'");
    await receive(inbound(`${service}_again`));
    expect(await inboxCount()).toBe(before.inbox);
    expect(await invoices(acme)).toEqual(before.acme);
    expect(await invoices(globex)).toEqual(before.globex);
    const [after] = await ledgerApi.db.query<{ n: string | number }>("SELECT count(*) AS n FROM fluvius.events WHERE stream_type = 'ledger.invoice'");
    expect(Number(after?.n)).toBe(Number(versions?.n));
  });

  test("a message that does not fit is parked with its body; once the spec admits it, `reactions retry` records it", async () => {
    const subject = `${shopPrefix}.shop.order.order-placed`;
    const headers = natsHeaders();
    headers.set("Fluvius-Tenant", acme);
    headers.set("Nats-Msg-Id", `plain-${backend}`);
    // Not a fluvius event: the body is the data, the tenant a header. `total` is no decimal.
    const body = { customerId: CUSTOMER, lines: [LINE], total: "a lot" };
    await nats.js.publish(subject, JSON.stringify(body), { headers, msgID: `plain-${backend}` });
    const inboxBefore = await inboxCount();
    await receive();
    expect(await inboxCount()).toBe(inboxBefore);

    const parked = (await openParked(ledgerApi.db, "inbound:ledger.order-placed")).filter((p) => p.message?.key === `plain-${backend}`);
    expect(parked).toHaveLength(1);
    expect(parked[0]?.error.code).toBe("invalid-external-event");
    expect(parked[0]?.error.message).toContain("total");
    expect(JSON.parse(parked[0]?.message?.body ?? "null")).toEqual(body);

    // As if the spec had been fixed (total: string) and regenerated.
    const looser = (e: ExternalEventDefinition) =>
      e.name === "order-placed" ? { ...e.schema, properties: { ...(e.schema.properties as Record<string, unknown>), total: { type: "string" } } } : e.schema;
    expect((await retryParked(ledgerApi.db, parked[0]?.id ?? "")).ok).toBe(true);
    await receive(inbound(service, looser));
    expect(await inboxCount()).toBe(inboxBefore + 1);
    expect((await openParked(ledgerApi.db, "inbound:ledger.order-placed")).filter((p) => p.message?.key === `plain-${backend}`)).toEqual([]);
  });
});
