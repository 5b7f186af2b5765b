import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { BusinessRuleError, IdempotencyKeyReusedError, PreconditionFailedError } from "@fluvius/runtime";
import { freshTenant } from "../helpers/backends.js";
import { accounts, footprint, openAccount, teller } from "../helpers/banking.js";
import { rejection } from "../helpers/rejection.js";
import type { SuiteContext } from "./context.js";

export function idempotencyTests(ctx: SuiteContext): void {
  it("returns the first outcome for a repeated command id and appends nothing", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    const deposit = () => service.execute({ action: "deposit", streamId: id, commandId: "dep-1", payload: { amount: "10.00" }, actor: teller(tenant) });
    const first = await deposit();
    await service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: teller(tenant) });
    const again = await deposit();
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.version).toBe(first.version);
    expect(again.state).toEqual(first.state); // the state of the first run, not the current one
    expect(again.item).toEqual(first.item);
    expect(again.events.map((e) => [e.eventId, e.position, e.event])).toEqual(first.events.map((e) => [e.eventId, e.position, e.event]));
    expect((await footprint(ctx.backend.db, tenant)).events).toBe(3);
  });

  it("refuses the same command id with another payload, action, target or actor", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    const other = await openAccount(service, tenant);
    await service.execute({ action: "deposit", streamId: id, commandId: "k", payload: { amount: "10.00" }, actor: teller(tenant) });
    const reuse = [
      () => service.execute({ action: "deposit", streamId: id, commandId: "k", payload: { amount: "11.00" }, actor: teller(tenant) }),
      () => service.execute({ action: "withdraw", streamId: id, commandId: "k", payload: { amount: "10.00" }, actor: teller(tenant) }),
      () => service.execute({ action: "deposit", streamId: other, commandId: "k", payload: { amount: "10.00" }, actor: teller(tenant) }),
      () => service.execute({ action: "deposit", streamId: id, commandId: "k", payload: { amount: "10.00" }, actor: { ...teller(tenant), id: "teller-2" } }),
    ];
    for (const attempt of reuse) {
      const error = await rejection(attempt());
      expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(error).toMatchObject({ status: 422, code: "idempotency-key-reused" });
    }
    expect((await footprint(ctx.backend.db, tenant)).events).toBe(3);
  });

  it("scopes command ids by tenant", async () => {
    const [a, b] = [freshTenant(), freshTenant()];
    const service = accounts(ctx.backend.store);
    const [idA, idB] = [await openAccount(service, a), await openAccount(service, b)];
    const ra = await service.execute({ action: "deposit", streamId: idA, commandId: "same", payload: { amount: "1.00" }, actor: teller(a) });
    const rb = await service.execute({ action: "deposit", streamId: idB, commandId: "same", payload: { amount: "2.00" }, actor: teller(b) });
    expect([ra.duplicate, rb.duplicate]).toEqual([false, false]);
    expect(rb.state.balance).toBe("2.00");
  });

  it("answers a retried rejected command with the same rejection, even after the state changed", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    const withdraw = () => service.execute({ action: "withdraw", streamId: id, commandId: "w-1", payload: { amount: "5.00" }, actor: teller(tenant) });
    expect(await rejection(withdraw())).toBeInstanceOf(BusinessRuleError);
    await service.execute({ action: "deposit", streamId: id, payload: { amount: "50.00" }, actor: teller(tenant) });
    const again = await rejection<BusinessRuleError>(withdraw());
    expect(again).toBeInstanceOf(BusinessRuleError);
    expect(again.rule).toBe("insufficient-funds");
    expect(again.details).toMatchObject({ balance: "0.00", amount: "5.00" });
    // The same for a failed `when`.
    await service.execute({ action: "close", streamId: id, payload: {}, actor: teller(tenant) });
    const late = () => service.execute({ action: "deposit", streamId: id, commandId: "d-9", payload: { amount: "1.00" }, actor: teller(tenant) });
    expect(await rejection(late())).toBeInstanceOf(PreconditionFailedError);
    const lateAgain = await rejection<PreconditionFailedError>(late());
    expect(lateAgain).toBeInstanceOf(PreconditionFailedError);
    expect(lateAgain.failure).toMatchObject({ field: "status", actual: "closed" });
    expect((await footprint(ctx.backend.db, tenant)).events).toBe(3);
  });

  it("runs concurrent duplicates of one command once: one append, every caller gets its outcome", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, tenant);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        service.execute({ action: "deposit", streamId: id, commandId: "dup", payload: { amount: "3.00" }, actor: teller(tenant) }),
      ),
    );
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([2]));
    expect(new Set(results.map((r) => r.events[0]?.eventId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect((await service.get(teller(tenant), id)).balance).toBe("3.00");
  });

  it("creates one stream for concurrent duplicates of a creating command without an id", async () => {
    const tenant = freshTenant();
    const service = accounts(ctx.backend.store);
    const customerId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        service.execute({ action: "open-account", commandId: "open-1", payload: { customerId, accountType: "checking" }, actor: teller(tenant) }),
      ),
    );
    expect(new Set(results.map((r) => r.streamId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect((await footprint(ctx.backend.db, tenant)).streams).toBe(1);
    expect((await footprint(ctx.backend.db, tenant)).events).toBe(1);
  });
}
