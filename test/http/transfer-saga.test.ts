/**
 * The banking transfer saga (issue 12) end to end over HTTP, on PGlite and on PostgreSQL:
 * a transfer is requested over HTTP and carried out by the reactions the spec declares
 * (withdraw from the source, deposit into the target, complete), with compensation when a
 * step is refused (insufficient funds fail the transfer; a closed target refuses the
 * deposit, the source is refunded and the transfer fails). The hand-written handlers decide
 * on the state (balance, status); the reactions only route. Every saga event is caused by
 * the previous one and shares the correlation of the request; replaying every reaction from
 * the start changes nothing.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { createStore, drainReactions, openParked, reactionCommandId, type EventStore } from "@fluvius/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { type BankingApp, startApp } from "./banking-app.js";

const SPEC = `domain: bank
types:
  Money: { type: decimal, scale: 2, minimum: "0" }
aggregates:
  account:
    state:
      owner: string
      balance: { type: Money, default: "0.00" }
      status: { enum: [open, closed], default: open }
    actions:
      open: { creates: true, payload: { owner: string, initial: Money }, emits: opened }
      withdraw:                          # the balance decides (hand-written handler)
        payload: { amount: Money, transfer: uuid, to: uuid }
        emits: [withdrawn, withdrawal-refused]
      deposit:                           # a closed account refuses it (hand-written handler)
        payload: { amount: Money, transfer: uuid, from: uuid }
        emits: [deposited, deposit-refused]
      refund: { payload: { amount: Money, transfer: uuid }, emits: refunded }
      close: { when: { status: open }, emits: closed }
    events:
      opened:
        payload: { owner: string, initial: Money }
        apply: { set: { owner: $payload.owner, status: open }, add: { balance: $payload.initial } }
      withdrawn:
        payload: { amount: Money, transfer: uuid, to: uuid }
        apply: { subtract: { balance: $payload.amount } }
      withdrawal-refused: { payload: { amount: Money, transfer: uuid, to: uuid, balance: Money } }
      deposited:
        payload: { amount: Money, transfer: uuid, from: uuid }
        apply: { add: { balance: $payload.amount } }
      deposit-refused: { payload: { amount: Money, transfer: uuid, from: uuid } }
      refunded:
        payload: { amount: Money, transfer: uuid }
        apply: { add: { balance: $payload.amount } }
      closed: { apply: { set: { status: closed } } }
  transfer:
    state:
      from: { ref: account }
      to: { ref: account }
      amount: Money
      status: { enum: [requested, completed, failed], default: requested }
      reason: string?
    actions:
      request:
        creates: true
        payload: { from: { ref: account }, to: { ref: account }, amount: Money }
        emits: transfer-requested
      complete: { when: { status: requested }, emits: transfer-completed }
      fail: { payload: { reason: string }, when: { status: requested }, emits: transfer-failed }
    events:
      transfer-requested:
        payload: { from: { ref: account }, to: { ref: account }, amount: Money }
        apply: { set: { from: $payload.from, to: $payload.to, amount: $payload.amount, status: requested } }
      transfer-completed: { apply: { set: { status: completed } } }
      transfer-failed:
        payload: { reason: string }
        apply: { set: { status: failed, reason: $payload.reason } }
reactions:
  withdraw-for-transfer:
    on: transfer.transfer-requested
    do: account:withdraw
    id: $event.data.from
    payload: { amount: $event.data.amount, transfer: $event.streamId, to: $event.data.to }
  deposit-withdrawn:
    on: account.withdrawn
    do: account:deposit
    id: $event.data.to
    payload: { amount: $event.data.amount, transfer: $event.data.transfer, from: $event.streamId }
  complete-transfer:
    on: account.deposited
    do: transfer:complete
    id: $event.data.transfer
  fail-refused-withdrawal:
    on: account.withdrawal-refused
    do: transfer:fail
    id: $event.data.transfer
    payload: { reason: insufficient-funds }
  refund-refused-deposit:
    on: account.deposit-refused
    do: account:refund
    id: $event.data.from
    payload: { amount: $event.data.amount, transfer: $event.data.transfer }
  fail-refunded:
    on: account.refunded
    do: transfer:fail
    id: $event.data.transfer
    payload: { reason: deposit-refused }
policies:
  roles: { teller: { description: Branch staff } }
  rules:
    - { role: teller, allow: ["account:*", "transfer:*"] }
    - { reaction: withdraw-for-transfer, allow: [account:withdraw] }
    - { reaction: deposit-withdrawn, allow: [account:deposit] }
    - { reaction: complete-transfer, allow: [transfer:complete] }
    - { reaction: fail-refused-withdrawal, allow: [transfer:fail] }
    - { reaction: refund-refused-deposit, allow: [account:refund] }
    - { reaction: fail-refunded, allow: [transfer:fail] }
`;

/** The account's handlers as a developer writes them: the balance and the status decide. */
const ACCOUNT_HANDLERS = `import { compare } from "@fluvius/runtime";
import type * as types from "../../generated/bank/account.js";

export const handleOpen: types.OpenHandler = ({ payload }) => ({
  type: "opened",
  version: 1,
  data: { owner: payload.owner, initial: payload.initial },
});

export const handleWithdraw: types.WithdrawHandler = ({ state, payload }) => {
  const data = { amount: payload.amount, transfer: payload.transfer, to: payload.to };
  if (compare(state.balance, payload.amount) < 0) {
    return { type: "withdrawal-refused", version: 1, data: { ...data, balance: state.balance } };
  }
  return { type: "withdrawn", version: 1, data };
};

export const handleDeposit: types.DepositHandler = ({ state, payload }) => {
  const data = { amount: payload.amount, transfer: payload.transfer, from: payload.from };
  if (state.status === "closed") return { type: "deposit-refused", version: 1, data };
  return { type: "deposited", version: 1, data };
};

export const handleRefund: types.RefundHandler = ({ payload }) => ({
  type: "refunded",
  version: 1,
  data: { amount: payload.amount, transfer: payload.transfer },
});

export const handleClose: types.CloseHandler = () => ({ type: "closed", version: 1, data: {} });

export const evolveWithdrawalRefused: types.WithdrawalRefusedEvolver = (state) => state;

export const evolveDepositRefused: types.DepositRefusedEvolver = (state) => state;
`;

const project = buildProjectFromSpecs("transfer-saga", { "bank.yaml": SPEC }, (dir) =>
  writeFileSync(path.join(dir, "src/domain/bank/account.ts"), ACCOUNT_HANDLERS),
);

type Json = Record<string, unknown>;
interface AuditEvent {
  readonly version: number;
  readonly type: string;
  readonly data: Json;
  readonly eventId: string;
  readonly actorId: string | null;
  readonly commandId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
}

describe.each(["pglite", "postgres"] as const)("the transfer saga over HTTP on %s", (backend) => {
  let api: BankingApp;
  let store: EventStore;
  let token: string;
  beforeAll(async () => {
    api = await startApp(backend, project);
    store = createStore(api.db);
    token = await api.token("teller-1", "acme", ["teller"]);
  });
  afterAll(() => api?.close());

  const call = async (method: "GET" | "POST", url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await api.app.inject({
      method,
      url: `/api/${url}`,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(200);
    return response.json() as Json;
  };
  const created = async (url: string, body: unknown, aggregate: string, headers?: Record<string, string>) =>
    ((await call("POST", url, body, headers)) as { data: Record<string, { _id: string }> }).data[aggregate]?._id ?? "";
  const open = (owner: string, initial: string) => created("bank:open/account/:new", { owner, initial }, "account");
  const request = (from: string, to: string, amount: string, headers?: Record<string, string>) =>
    created("bank:request/transfer/:new", { from, to, amount }, "transfer", headers);
  const account = (id: string) => call("GET", `bank.account/${id}`);
  const transfer = (id: string) => call("GET", `bank.transfer/${id}`);
  const events = async (aggregate: string, id: string) => ((await call("GET", `bank.${aggregate}/${id}/_events`)) as { data: AuditEvent[] }).data;
  const react = () => drainReactions(store, { domains: api.domains, retryDelayMs: 5 });

  /** The saga's events in causal order: the request, then each event the one before caused. */
  const sagaOf = async (transferId: string, accounts: readonly string[]) => {
    const all = [...(await events("transfer", transferId)), ...(await Promise.all(accounts.map((a) => events("account", a)))).flat()];
    const [requested] = all.filter((e) => e.type === "transfer-requested");
    expect(requested).toBeDefined();
    const chain = [requested!];
    for (;;) {
      const next = all.filter((e) => e.causationId === chain[chain.length - 1]!.eventId);
      expect(next.length).toBeLessThanOrEqual(1);
      if (next.length === 0) break;
      chain.push(next[0]!);
    }
    return { chain, all };
  };

  test("a transfer that succeeds: the money moves, the transfer completes, each step caused by the previous one under the request's correlation", async () => {
    const alice = await open("alice", "100.00");
    const bob = await open("bob", "10.00");
    const correlation = randomUUID();
    const id = await request(alice, bob, "30.00", { "x-correlation-id": correlation });
    expect(await transfer(id)).toMatchObject({ status: "requested", from: alice, to: bob, amount: "30.00" });
    await react();

    expect(await account(alice)).toMatchObject({ balance: "70.00", _version: 2 });
    expect(await account(bob)).toMatchObject({ balance: "40.00", _version: 2 });
    expect(await transfer(id)).toMatchObject({ status: "completed", _version: 2 });

    const { chain } = await sagaOf(id, [alice, bob]);
    expect(chain.map((e) => e.type)).toEqual(["transfer-requested", "withdrawn", "deposited", "transfer-completed"]);
    expect(chain[0]).toMatchObject({ actorId: "teller-1", correlationId: correlation, causationId: null });
    expect(chain.map((e) => e.correlationId)).toEqual(Array(4).fill(correlation));
    const reactions = ["bank.withdraw-for-transfer", "bank.deposit-withdrawn", "bank.complete-transfer"];
    expect(chain.slice(1).map((e) => e.actorId)).toEqual(reactions.map((r) => `reaction:${r}`));
    // Each step's command id is derived from (reaction, the event it reacted to, 0): a redelivery is a no-op.
    expect(chain.slice(1).map((e) => e.commandId)).toEqual(reactions.map((r, i) => reactionCommandId(r, chain[i]!.eventId, 0)));
    expect(chain[1]!.data).toEqual({ amount: "30.00", transfer: id, to: bob });
    expect(chain[2]!.data).toEqual({ amount: "30.00", transfer: id, from: alice });
    expect(await openParked(api.db)).toEqual([]);
  });

  test("insufficient funds: nothing moves, the transfer fails with that reason", async () => {
    const carol = await open("carol", "20.00");
    const dave = await open("dave", "5.00");
    const id = await request(carol, dave, "20.01");
    await react();

    expect(await account(carol)).toMatchObject({ balance: "20.00" });
    expect(await account(dave)).toMatchObject({ balance: "5.00", _version: 1 });
    expect(await transfer(id)).toMatchObject({ status: "failed", reason: "insufficient-funds", _version: 2 });

    const { chain } = await sagaOf(id, [carol, dave]);
    expect(chain.map((e) => e.type)).toEqual(["transfer-requested", "withdrawal-refused", "transfer-failed"]);
    expect(chain[1]!.data).toEqual({ amount: "20.01", transfer: id, to: dave, balance: "20.00" });
    // Without X-Correlation-Id the request is the first of its chain: its own id is the correlation.
    expect(chain[0]!.correlationId).toBeNull();
    expect(chain.slice(1).map((e) => e.correlationId)).toEqual([chain[0]!.eventId, chain[0]!.eventId]);
    expect(await openParked(api.db)).toEqual([]);
  });

  test("the target account closed: the money is withdrawn, refunded, and the transfer fails with deposit-refused", async () => {
    const erin = await open("erin", "50.00");
    const frank = await open("frank", "0.00");
    await call("POST", `bank:close/account/${frank}`, {});
    const id = await request(erin, frank, "12.50");
    await react();

    expect(await account(erin)).toMatchObject({ balance: "50.00", _version: 3 });
    expect(await account(frank)).toMatchObject({ balance: "0.00", status: "closed", _version: 3 });
    expect(await transfer(id)).toMatchObject({ status: "failed", reason: "deposit-refused", _version: 2 });

    const { chain } = await sagaOf(id, [erin, frank]);
    expect(chain.map((e) => e.type)).toEqual(["transfer-requested", "withdrawn", "deposit-refused", "refunded", "transfer-failed"]);
    expect(chain.slice(1).map((e) => e.correlationId)).toEqual(Array(4).fill(chain[0]!.eventId));
    expect(chain.slice(1).map((e) => e.actorId)).toEqual([
      "reaction:bank.withdraw-for-transfer",
      "reaction:bank.deposit-withdrawn",
      "reaction:bank.refund-refused-deposit",
      "reaction:bank.fail-refunded",
    ]);
    // The source's balance went down and came back: withdrawn 12.50, refunded 12.50.
    expect((await events("account", erin)).map((e) => [e.type, e.data.amount ?? e.data.initial])).toEqual([
      ["opened", "50.00"],
      ["withdrawn", "12.50"],
      ["refunded", "12.50"],
    ]);
    expect(await openParked(api.db)).toEqual([]);
  });

  test("every reaction run again from the start (checkpoints reset) changes nothing", async () => {
    // One saga of each outcome of its own, on top of what the tests before left.
    const [gina, hal, ivy] = [await open("gina", "80.00"), await open("hal", "1.00"), await open("ivy", "0.00")];
    await call("POST", `bank:close/account/${ivy}`, {});
    const moved = await request(gina, hal, "25.00");
    const short = await request(hal, gina, "30.00");
    const bounced = await request(gina, ivy, "5.00");
    await react();
    expect(await transfer(moved)).toMatchObject({ status: "completed" });
    expect(await transfer(short)).toMatchObject({ status: "failed", reason: "insufficient-funds" });
    expect(await transfer(bounced)).toMatchObject({ status: "failed", reason: "deposit-refused" });

    const snapshot = async () => ({
      streams: await api.db.query<{ stream_type: string; stream_id: string; version: number }>(
        "SELECT stream_type, stream_id::text AS stream_id, version FROM fluvius.streams ORDER BY 1, 2",
      ),
      events: await api.db.query<{ n: string }>("SELECT count(*)::text AS n FROM fluvius.events"),
      commands: await api.db.query<{ n: string }>("SELECT count(*)::text AS n FROM fluvius.commands"),
      accounts: await api.db.query<{ id: string; balance: string; version: number }>(
        'SELECT "_id"::text AS id, balance::text AS balance, "_version" AS version FROM "bank"."account" ORDER BY 1',
      ),
      transfers: await api.db.query<{ id: string; status: string; version: number }>(
        'SELECT "_id"::text AS id, status, "_version" AS version FROM "bank"."transfer" ORDER BY 1',
      ),
    });
    const before = await snapshot();
    expect(before.streams.filter((s) => s.stream_type === "bank.transfer").length).toBeGreaterThanOrEqual(3);
    expect(await account(gina)).toMatchObject({ balance: "55.00" });
    expect(await account(hal)).toMatchObject({ balance: "26.00" });

    const reset = await api.db.query<{ name: string }>("DELETE FROM fluvius.subscriptions WHERE name LIKE 'reaction:%' RETURNING name");
    expect(reset.map((r) => r.name).sort()).toEqual(
      ["complete-transfer", "deposit-withdrawn", "fail-refunded", "fail-refused-withdrawal", "refund-refused-deposit", "withdraw-for-transfer"].map(
        (n) => `reaction:bank.${n}`,
      ),
    );
    // Every event is handled again (so this pass does work), and every command is answered from its record.
    expect(await react()).toBeGreaterThan(0);

    expect(await snapshot()).toEqual(before);
    expect(await account(gina)).toMatchObject({ balance: "55.00" });
    expect(await openParked(api.db)).toEqual([]);
  });
});
