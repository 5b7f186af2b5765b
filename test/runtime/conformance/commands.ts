import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import {
  BusinessRuleError,
  ForbiddenError,
  InvalidArgumentError,
  InvalidPayloadError,
  NotFoundError,
  PreconditionFailedError,
  StreamExistsError,
  UnknownActionError,
  VersionConflictError,
  createAggregateService,
  unrestrictedPolicy,
  type FluviusError,
} from "@fluvius/runtime";
import { account, handlers, type AccountPayloads } from "../fixtures/banking-account.js";
import { freshTenant } from "../helpers/backends.js";
import { rejection } from "../helpers/rejection.js";
import { accountRow, accounts, auditor, customer, footprint, openAccount, teller } from "../helpers/banking.js";
import type { SuiteContext } from "./context.js";

export function commandTests(ctx: SuiteContext): void {
  it("opens, deposits and withdraws: state, item and read-model row agree", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const customerId = randomUUID();
    const opened = await service.execute({ action: "open-account", payload: { customerId, accountType: "savings" }, actor: teller(tenant) });
    expect(opened.version).toBe(1);
    expect(opened.events.map((e) => e.event)).toEqual([{ type: "account-opened", version: 1, data: { customerId, accountType: "savings" } }]);
    const id = opened.streamId;
    await service.execute({ action: "deposit", streamId: id, payload: { amount: "100.00" }, actor: teller(tenant) });
    const result = await service.execute({ action: "withdraw", streamId: id, payload: { amount: "30.50" }, actor: teller(tenant) });
    expect(result.state).toMatchObject({ customerId, accountType: "savings", balance: "69.50", status: "open" });
    expect(result.item).toMatchObject({ _id: id, _version: 3, balance: "69.50", _created: opened.item._created });
    expect(result.events[0]).toMatchObject({ version: 3, actorId: "teller-1", tenant, streamId: id, storedSchemaVersion: 2 });
    const row = await accountRow(ctx.backend.db, tenant, id);
    expect(row).toMatchObject({ _version: 3, customer_id: customerId, account_type: "savings", balance: "69.50", status: "open", tags: [] });
  });

  it("keeps decimals exact: 0.10 + 0.20 = 0.30 in the state and the row", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    await service.execute({ action: "deposit", streamId: id, payload: { amount: "0.10" }, actor: teller(tenant) });
    const r = await service.execute({ action: "deposit", streamId: id, payload: { amount: "0.20" }, actor: teller(tenant) });
    expect(r.state.balance).toBe("0.30");
    expect((await accountRow(ctx.backend.db, tenant, id))?.balance).toBe("0.30");
  });

  it("rejects a failed `when` as precondition-failed and appends nothing", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    await service.execute({ action: "close", streamId: id, payload: {}, actor: teller(tenant) });
    const error = await rejection(service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toMatchObject({ code: "precondition-failed", status: 409, failure: { field: "status", expected: ["open"], actual: "closed" } });
    expect((await footprint(ctx.backend.db, tenant)).events).toBe(2);
  });

  it("rejects a business rule from the handler with its name and appends nothing", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    const error = await rejection(service.execute({ action: "withdraw", streamId: id, payload: { amount: "5.00" }, actor: teller(tenant) }));
    expect(error).toBeInstanceOf(BusinessRuleError);
    expect(error).toMatchObject({ rule: "insufficient-funds", status: 409 });
    expect((await footprint(ctx.backend.db, tenant)).events).toBe(1);
    expect((await accountRow(ctx.backend.db, tenant, id))?._version).toBe(1);
  });

  it("rejects an invalid payload with the paths of every bad field, before loading anything", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const bad = (payload: unknown) =>
      rejection<InvalidPayloadError>(
        service.execute({ action: "deposit", streamId: randomUUID(), payload: payload as AccountPayloads["deposit"], actor: teller(tenant) }),
      );
    const missing = await bad({});
    expect(missing).toBeInstanceOf(InvalidPayloadError);
    expect(missing.issues.map((i) => i.path)).toEqual(["amount"]);
    expect((await bad({ amount: 5 })).issues.map((i) => i.path)).toContain("amount");
    expect((await bad({ amount: "1.001" })).issues).toMatchObject([{ path: "amount", keyword: "x-decimal" }]);
    expect((await bad({ amount: "-1.00" })).issues).toMatchObject([{ path: "amount", keyword: "x-decimal" }]);
    expect((await bad({ amount: "1.00", extra: true })).issues).toMatchObject([{ path: "extra", keyword: "additionalProperties" }]);
    const open = await rejection<InvalidPayloadError>(
      service.execute({ action: "open-account", payload: { customerId: "nope", accountType: "gold" } as never, actor: teller(tenant) }),
    );
    expect(open.issues.map((i) => i.path).sort()).toEqual(["accountType", "customerId"]);
    expect(open.status).toBe(422);
  });

  it("authorizes with the policy: roles, resource-level `where`, deny by default", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const alice = randomUUID();
    const id = await openAccount(service, tenant, alice);
    // The owner may deposit; another customer may not, nor read it.
    await service.execute({ action: "deposit", streamId: id, payload: { amount: "10.00" }, actor: customer(tenant, alice) });
    const deposit = (actor: ReturnType<typeof teller>) =>
      rejection<FluviusError>(service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor }));
    expect(await deposit(customer(tenant, randomUUID()))).toBeInstanceOf(ForbiddenError);
    await expect(service.get(customer(tenant, randomUUID()), id)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await service.get(customer(tenant, alice), id)).balance).toBe("10.00");
    // Auditors read and see history but change nothing; no role, nothing.
    expect(await deposit(auditor(tenant))).toBeInstanceOf(ForbiddenError);
    expect(await deposit({ id: "x", tenant, roles: [] })).toBeInstanceOf(ForbiddenError);
    expect((await service.history(auditor(tenant), id)).events.length).toBe(2);
    await expect(service.history(customer(tenant, alice), id)).rejects.toBeInstanceOf(ForbiddenError);
    // A customer may not open accounts at all: refused before anything is read or written.
    const before = await footprint(ctx.backend.db, tenant);
    await expect(
      service.execute({ action: "open-account", payload: { customerId: alice, accountType: "checking" }, actor: customer(tenant, alice) }),
    ).rejects.toMatchObject({ code: "forbidden", status: 403 });
    expect(await footprint(ctx.backend.db, tenant)).toEqual(before);
  });

  it("checks a `where` rule of a creating action against the state its events produce", async () => {
    const tenant = freshTenant();
    const policy = {
      ...unrestrictedPolicy,
      mayAllow: () => true,
      can: (actor: { id: string }, _p: string, state?: object) => (state as { customerId?: string } | undefined)?.customerId === actor.id,
    };
    const service = createAggregateService(ctx.backend.store, account, { policy });
    const me = randomUUID();
    const actor = { id: me, tenant, roles: ["customer"] };
    const mine = await service.execute({ action: "open-account", payload: { customerId: me, accountType: "checking" }, actor });
    expect(mine.version).toBe(1);
    await expect(service.execute({ action: "open-account", payload: { customerId: randomUUID(), accountType: "checking" }, actor })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect((await footprint(ctx.backend.db, tenant)).streams).toBe(1);
  });

  it("answers not-found for an unknown stream and stream-exists for a `creates` on a taken id", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    await expect(service.execute({ action: "deposit", streamId: randomUUID(), payload: { amount: "1.00" }, actor: teller(tenant) })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(service.get(teller(tenant), randomUUID())).rejects.toMatchObject({ code: "not-found", status: 404 });
    const id = await openAccount(service, tenant);
    await expect(
      service.execute({ action: "open-account", streamId: id, payload: { customerId: randomUUID(), accountType: "checking" }, actor: teller(tenant) }),
    ).rejects.toBeInstanceOf(StreamExistsError);
    await expect(service.execute({ action: "nope" as never, streamId: id, payload: {} as never, actor: teller(tenant) })).rejects.toBeInstanceOf(
      UnknownActionError,
    );
  });

  it("answers a caller's stale expected version with 412 and does not retry", async () => {
    const tenant = freshTenant();
    let calls = 0;
    const counting = {
      ...account,
      actions: {
        ...account.actions,
        deposit: { ...account.actions.deposit, handle: (c: Parameters<typeof handlers.deposit>[0]) => (calls++, handlers.deposit(c)) },
      },
    };
    const service = accounts(ctx.backend.store, counting);
    const id = await openAccount(service, tenant);
    const ok = await service.execute({ action: "deposit", streamId: id, expectedVersion: 1, payload: { amount: "1.00" }, actor: teller(tenant) });
    expect(ok.version).toBe(2);
    const error = await rejection(service.execute({ action: "deposit", streamId: id, expectedVersion: 1, payload: { amount: "1.00" }, actor: teller(tenant) }));
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ status: 412, callerExpected: true, actual: 2 });
    expect(calls).toBe(1);
  });

  it("re-runs the handler on a conflict when the caller gave no expected version: concurrent deposits from many processes all land", async () => {
    for (const cacheSize of [undefined, 0]) {
      const tenant = freshTenant();
      let calls = 0;
      const counting = {
        ...account,
        actions: {
          ...account.actions,
          deposit: { ...account.actions.deposit, handle: (c: Parameters<typeof handlers.deposit>[0]) => (calls++, handlers.deposit(c)) },
        },
      };
      // One service per writer, as separate processes would have: they only meet in the database.
      const n = 12;
      const services = Array.from({ length: n }, () => accounts(ctx.backend.store, counting, cacheSize));
      const id = await openAccount(services[0]!, tenant);
      await Promise.all(services.map((service) => service.execute({ action: "deposit", streamId: id, payload: { amount: "1.25" }, actor: teller(tenant) })));
      expect(calls).toBeGreaterThan(n); // some lost the race and decided again
      const service = services[0]!;
      const item = await service.get(teller(tenant), id);
      expect(item._version).toBe(n + 1);
      expect(item.balance).toBe("15.00");
      expect((await accountRow(ctx.backend.db, tenant, id))?.balance).toBe("15.00");
    }
  });

  it("queues concurrent commands on one stream within a process: each handler runs once, no conflict", async () => {
    const tenant = freshTenant();
    let calls = 0;
    const counting = {
      ...account,
      actions: {
        ...account.actions,
        deposit: { ...account.actions.deposit, handle: (c: Parameters<typeof handlers.deposit>[0]) => (calls++, handlers.deposit(c)) },
      },
    };
    const service = accounts(ctx.backend.store, counting);
    const [id, other] = [await openAccount(service, tenant), await openAccount(service, tenant)];
    const n = 16;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        service.execute({ action: "deposit", streamId: i % 4 === 0 ? other : id, payload: { amount: "1.00" }, actor: teller(tenant) }),
      ),
    );
    expect(calls).toBe(n);
    // In call order on each stream.
    expect(results.filter((_, i) => i % 4 !== 0).map((r) => r.version)).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
    expect((await service.get(teller(tenant), id)).balance).toBe("12.00");
    expect((await service.get(teller(tenant), other)).balance).toBe("4.00");
    // A failing command does not block the ones queued behind it.
    const queued = await Promise.allSettled([
      service.execute({ action: "withdraw", streamId: id, payload: { amount: "1000.00" }, actor: teller(tenant) }),
      service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) }),
    ]);
    expect(queued[1]).toMatchObject({ status: "fulfilled", value: { version: 14 } });
  });

  it("decides again on fresh state when another process changed the stream since this one cached it", async () => {
    const tenant = freshTenant();
    const [here, there] = [accounts(ctx.backend.store), accounts(ctx.backend.store)];
    const id = await openAccount(here, tenant); // cached here at version 1, balance 0.00
    await there.execute({ action: "deposit", streamId: id, payload: { amount: "100.00" }, actor: teller(tenant) });
    // On the cached state this would be insufficient-funds; on the real one it is fine.
    const withdrawn = await here.execute({ action: "withdraw", streamId: id, payload: { amount: "50.00" }, actor: teller(tenant) });
    expect([withdrawn.version, withdrawn.state.balance]).toEqual([3, "50.00"]);
    // A stale cache that would succeed: the version-checked write fails and the command is decided again.
    await there.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) });
    const deposited = await here.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) });
    expect([deposited.version, deposited.state.balance]).toEqual([5, "52.00"]);
    // A caller's expected version is checked against the stream, not the cache.
    await there.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) });
    await expect(
      here.execute({ action: "deposit", streamId: id, expectedVersion: 5, payload: { amount: "1.00" }, actor: teller(tenant) }),
    ).rejects.toMatchObject({
      status: 412,
      actual: 6,
    });
    await there.execute({ action: "close", streamId: id, payload: {}, actor: teller(tenant) });
    await expect(here.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect((await accountRow(ctx.backend.db, tenant, id))?.balance).toBe("53.00");
  });

  it("leaves nothing behind when a handler throws", async () => {
    const tenant = freshTenant();
    const broken = {
      ...account,
      actions: {
        ...account.actions,
        "open-account": { ...account.actions["open-account"], handle: () => Promise.reject(new Error("handler bug")) },
        deposit: {
          ...account.actions.deposit,
          handle: () => {
            throw new Error("handler bug");
          },
        },
      },
    };
    const service = accounts(ctx.backend.store, broken);
    await expect(
      service.execute({ action: "open-account", commandId: "c1", payload: { customerId: randomUUID(), accountType: "checking" }, actor: teller(tenant) }),
    ).rejects.toThrow("handler bug");
    expect(await footprint(ctx.backend.db, tenant)).toEqual({ streams: 0, events: 0, commands: 0, snapshots: 0, rows: 0 });
    const id = await openAccount(accounts(ctx.backend.store), tenant);
    const before = await footprint(ctx.backend.db, tenant);
    await expect(service.execute({ action: "deposit", streamId: id, commandId: "c2", payload: { amount: "1.00" }, actor: teller(tenant) })).rejects.toThrow(
      "handler bug",
    );
    expect(await footprint(ctx.backend.db, tenant)).toEqual(before);
  });

  it("writes events and the read-model row atomically: a failing row write appends nothing", async () => {
    const tenant = freshTenant();
    // A read model whose column cannot take the value: the upsert fails inside the write statement.
    const badRow = { ...account, readModel: { ...account.readModel!, columns: [{ field: "balance", column: "_version", kind: "integer" as const }] } };
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    const before = await footprint(ctx.backend.db, tenant);
    await expect(
      accounts(ctx.backend.store, badRow).execute({ action: "deposit", streamId: id, payload: { amount: "1.50" }, actor: teller(tenant) }),
    ).rejects.toThrow();
    expect(await footprint(ctx.backend.db, tenant)).toEqual(before);
    expect((await service.get(teller(tenant), id))._version).toBe(1);
  });

  it("records who, when and which command in the audit trail", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    await service.execute({
      action: "deposit",
      streamId: id,
      commandId: "cmd-42",
      correlationId: "corr-9",
      causationId: "cause-3",
      metadata: { channel: "branch" },
      payload: { amount: "2.00" },
      actor: teller(tenant),
    });
    const { events: history, total } = await service.history(auditor(tenant), id);
    expect(total).toBe(2);
    expect(history.map((e) => e.event.type)).toEqual(["account-opened", "deposit-made"]);
    expect(history[1]).toMatchObject({
      version: 2,
      actorId: "teller-1",
      commandId: "cmd-42",
      correlationId: "corr-9",
      causationId: "cause-3",
      metadata: { channel: "branch" },
    });
    expect(history[1]!.recordedAt >= history[0]!.recordedAt).toBe(true);
    expect((await service.history(auditor(tenant), id, { afterVersion: 1, limit: 5 })).events.map((e) => e.version)).toEqual([2]);
    expect(await service.history(auditor(tenant), id, { afterVersion: 2 })).toEqual({ events: [], total: 2 });
    await expect(service.history(auditor(tenant), id, { limit: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
}
