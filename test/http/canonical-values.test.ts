/**
 * One spelling per value, on PGlite and on the PostgreSQL server: the command's reply, the
 * item and the list row of one aggregate are the same bytes whatever spelling the client
 * sent (decimals to their scale, date-times in UTC with milliseconds, uuids in lower case,
 * nested objects and arrays included); and uuid letter case never changes who sees a row.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { type BankingApp, startApp } from "./banking-app.js";

type Json = Record<string, unknown>;

const SPEC = `domain: billing
types:
  Money: { type: decimal, scale: 2 }
  Line: { fields: { sku: string, price: Money, addedAt: datetime } }
aggregates:
  invoice:
    state:
      customerId: uuid
      amount: { type: Money, default: "0.00" }
      fee: { type: Money, default: "0" }
      dueAt: datetime?
      issuedOn: date?
      lines: Line[]
      rates: Money[]
      billing: Line?
    actions:
      issue:
        creates: true
        payload: { customerId: uuid, amount: Money, dueAt: datetime, issuedOn: date, lines: "Line[]", rates: "Money[]", billing: Line }
        emits: issued
      reschedule:
        payload: { dueAt: datetime, amount: Money }
        emits: rescheduled
      charge-fee:
        emits: fee-charged
    events:
      issued:
        payload: { customerId: uuid, amount: Money, dueAt: datetime, issuedOn: date, lines: "Line[]", rates: "Money[]", billing: Line }
        apply:
          set: { customerId: $payload.customerId, amount: $payload.amount, dueAt: $payload.dueAt, issuedOn: $payload.issuedOn, lines: $payload.lines, rates: $payload.rates, billing: $payload.billing }
      rescheduled:
        payload: { dueAt: datetime, amount: Money }
        apply: { set: { dueAt: $payload.dueAt, amount: $payload.amount } }
      fee-charged:
        apply: { set: { fee: "1" } }
policies:
  roles: { clerk: {}, customer: {} }
  rules:
    - { role: clerk, allow: ["invoice:*"] }
    - { role: customer, allow: ["invoice:read"], where: { customerId: $actor.id } }
`;

const mixedCase = (uuid: string) => [...uuid].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join("");

describe.each(["pglite", "postgres"] as const)("canonical values on %s", (backend) => {
  let api: BankingApp;
  let tenant: string;
  let clerk: string;

  beforeAll(async () => {
    api = await startApp(backend, buildProjectFromSpecs("billing", { "billing.yaml": SPEC }));
    tenant = `t-${randomUUID().slice(0, 8)}`;
    clerk = await api.token("clerk-1", tenant, ["clerk"]);
  }, 120_000);
  afterAll(async () => api?.close());

  async function call(method: "GET" | "POST", url: string, token: string, body?: unknown) {
    const response = await api.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, text: response.body, body: response.json() as Json };
  }

  const listRowOf = async (id: string, token: string) => {
    const list = await call("GET", `/api/billing.invoice/?query=${encodeURIComponent(JSON.stringify({ _id: id }))}`, token);
    expect(list.status, list.text).toBe(200);
    return (list.body.data as Json[])[0];
  };

  async function issue(customerId: string) {
    const issued = await call("POST", "/api/billing:issue/invoice/:new", clerk, {
      customerId,
      amount: "5",
      dueAt: "2026-03-01T10:00:00+01:00",
      issuedOn: "2026-03-01",
      lines: [{ sku: "A-1", price: "1.5", addedAt: "2026-03-01T10:00:00.123456+01:00" }],
      rates: ["1", "2.5"],
      billing: { price: "3", sku: "B-2", addedAt: "2026-02-28T23:30:00-02:00" },
    });
    expect(issued.status, issued.text).toBe(200);
    return (issued.body.data as Json).invoice as Json;
  }

  test("the reply's row, the item and the list row are byte-identical after a payload in other spellings", async () => {
    const customerId = randomUUID();
    const replied = await issue(customerId.toUpperCase());
    const id = replied._id as string;
    expect(replied).toMatchObject({
      customerId,
      amount: "5.00",
      fee: "0.00",
      dueAt: "2026-03-01T09:00:00.000Z",
      issuedOn: "2026-03-01",
      lines: [{ sku: "A-1", price: "1.50", addedAt: "2026-03-01T09:00:00.123Z" }],
      rates: ["1.00", "2.50"],
      billing: { sku: "B-2", price: "3.00", addedAt: "2026-03-01T01:30:00.000Z" },
    });
    const item = await call("GET", `/api/billing.invoice/${id}`, clerk);
    expect(item.status).toBe(200);
    const row = await listRowOf(id, clerk);
    expect(JSON.stringify(item.body)).toBe(JSON.stringify(replied));
    expect(JSON.stringify(row)).toBe(JSON.stringify(replied));

    // And after a second command (the item is then folded from the log, the row upserted).
    const moved = await call("POST", `/api/billing:reschedule/invoice/${id}`, clerk, { dueAt: "2026-04-01T00:00:00.5+02:00", amount: "7.1" });
    expect(moved.status, moved.text).toBe(200);
    const after = (moved.body.data as Json).invoice as Json;
    expect(after).toMatchObject({ dueAt: "2026-03-31T22:00:00.500Z", amount: "7.10" });
    const itemAfter = await call("GET", `/api/billing.invoice/${id}`, clerk);
    expect(JSON.stringify(itemAfter.body)).toBe(JSON.stringify(after));
    expect(JSON.stringify(await listRowOf(id, clerk))).toBe(JSON.stringify(after));

    // A literal of the spec's `apply` is in the same spelling.
    const charged = await call("POST", `/api/billing:charge-fee/invoice/${id}`, clerk);
    expect(charged.status, charged.text).toBe(200);
    const feeRow = (charged.body.data as Json).invoice as Json;
    expect(feeRow.fee).toBe("1.00");
    expect(JSON.stringify(await listRowOf(id, clerk))).toBe(JSON.stringify(feeRow));

    // The event log records the canonical spelling too.
    const events = await call("GET", `/api/billing.invoice/${id}/_events`, clerk);
    const data = (events.body.data as Json[]).map((e) => e.data as Json);
    expect(data[0]).toMatchObject({ customerId, amount: "5.00", dueAt: "2026-03-01T09:00:00.000Z", rates: ["1.00", "2.50"] });
    expect(data[1]).toEqual({ amount: "7.10", dueAt: "2026-03-31T22:00:00.500Z" });
  });

  test("uuid letter case: the owner sees its row as an item and in its list with its id in any case", async () => {
    const customerId = randomUUID();
    const id = (await issue(customerId.toUpperCase()))._id as string;
    const other = (await issue(mixedCase(customerId)))._id as string;
    const lower = (await issue(customerId))._id as string;
    for (const sub of [customerId.toUpperCase(), customerId, mixedCase(customerId)]) {
      const token = await api.token(sub, tenant, ["customer"]);
      for (const rowId of [id, other, lower]) {
        const item = await call("GET", `/api/billing.invoice/${rowId}`, token);
        expect(item.status, `item ${rowId} for sub ${sub}: ${item.text}`).toBe(200);
        expect(await listRowOf(rowId, token), `list ${rowId} for sub ${sub}`).toMatchObject({ _id: rowId, customerId });
      }
      const list = await call("GET", "/api/billing.invoice/?limit=100", token);
      expect((list.body.data as Json[]).map((r) => r._id).sort()).toEqual([id, other, lower].sort());
    }
    // Path ids are case-insensitive too; the answers say the lower-case id.
    const upper = await call("GET", `/api/billing.invoice/${id.toUpperCase()}`, clerk);
    expect(upper.status).toBe(200);
    expect(upper.body._id).toBe(id);
    expect((await call("GET", `/api/billing.invoice/${id.toUpperCase()}/_events`, clerk)).status).toBe(200);
    const moved = await call("POST", `/api/billing:reschedule/invoice/${mixedCase(id)}`, clerk, { dueAt: "2026-05-01T00:00:00Z", amount: "1" });
    expect(moved.status, moved.text).toBe(200);
    expect(((moved.body.data as Json).invoice as Json)._id).toBe(id);
    const chosen = randomUUID();
    const created = await call("POST", `/api/billing:issue/invoice/:new?identifier=${chosen.toUpperCase()}`, clerk, {
      customerId,
      amount: "1",
      dueAt: "2026-03-01T10:00:00Z",
      issuedOn: "2026-03-01",
      lines: [],
      rates: [],
      billing: { price: "3", sku: "B-2", addedAt: "2026-02-28T23:30:00Z" },
    });
    expect(((created.body.data as Json).invoice as Json)._id).toBe(chosen);
  });
});
