import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { InvalidArgumentError, NotFoundError, VersionConflictError, streamTypeOf } from "@fluvius/runtime";
import { account } from "../fixtures/banking-account.js";
import { freshTenant } from "../helpers/backends.js";
import { accountRow, accounts, auditor, footprint, openAccount, teller } from "../helpers/banking.js";
import { rejection } from "../helpers/rejection.js";
import type { SuiteContext } from "./context.js";

const TYPE = streamTypeOf(account);

export function isolationTests(ctx: SuiteContext): void {
  it("gives another tenant's stream the same answer as a missing one, for every command and query", async () => {
    const [a, b] = [freshTenant("a"), freshTenant("b")];
    const service = accounts(ctx.backend.store);
    const id = await openAccount(service, a);
    await service.execute({ action: "deposit", streamId: id, payload: { amount: "10.00" }, actor: teller(a) });
    const intruder = teller(b);
    const attempts = [
      () => service.execute({ action: "deposit", streamId: id, payload: { amount: "1.00" }, actor: intruder }),
      () => service.execute({ action: "withdraw", streamId: id, payload: { amount: "1.00" }, actor: intruder }),
      () => service.execute({ action: "close", streamId: id, payload: {}, actor: intruder }),
      () => service.get(intruder, id),
      () => service.getAt(auditor(b), id, { version: 1 }),
      () => service.history(auditor(b), id),
    ];
    const missing = await rejection(service.get(teller(b), randomUUID()));
    for (const attempt of attempts) {
      const error = await rejection(attempt());
      expect(error).toBeInstanceOf(NotFoundError);
      expect(Object.keys(error as object)).toEqual(Object.keys(missing as object));
    }
    expect(await footprint(ctx.backend.db, b)).toEqual({ streams: 0, events: 0, commands: 0, snapshots: 0, rows: 0 });
    expect((await service.get(teller(a), id))._version).toBe(2);
  });

  it("keeps equal stream ids in two tenants as two independent streams", async () => {
    const [a, b] = [freshTenant("a"), freshTenant("b")];
    const service = accounts(ctx.backend.store);
    const id = randomUUID();
    const open = (tenant: string) =>
      service.execute({ action: "open-account", streamId: id, payload: { customerId: randomUUID(), accountType: "checking" }, actor: teller(tenant) });
    await open(a);
    await open(b);
    await service.execute({ action: "deposit", streamId: id, payload: { amount: "5.00" }, actor: teller(b) });
    expect((await service.get(teller(a), id)).balance).toBe("0.00");
    expect((await service.get(teller(b), id)).balance).toBe("5.00");
    expect((await accountRow(ctx.backend.db, a, id))?.balance).toBe("0.00");
    expect((await accountRow(ctx.backend.db, b, id))?.balance).toBe("5.00");
  });

  it("scopes every store operation by tenant: reads see nothing, writes cannot reach across", async () => {
    const [a, b] = [freshTenant("a"), freshTenant("b")];
    const id = randomUUID();
    await ctx.backend.store.forTenant(a).append(TYPE, id, [{ type: "deposit-made", schemaVersion: 1, data: { amount: "1.00" } }], { expected: "no-stream" });
    const other = ctx.backend.store.forTenant(b);
    expect(await other.readStream(TYPE, id)).toEqual([]);
    expect(await other.streamInfo(TYPE, id)).toBeNull();
    expect((await other.load(TYPE, id, { specHash: account.specHash })).version).toBe(0);
    await expect(other.append(TYPE, id, [{ type: "deposit-made", schemaVersion: 1, data: { amount: "1.00" } }], { expected: 1 })).rejects.toBeInstanceOf(
      VersionConflictError,
    );
    expect((await ctx.backend.store.forTenant(a).readStream(TYPE, id)).length).toBe(1);
  });

  it("treats hostile tenant strings as plain values", async () => {
    const victim = freshTenant("v");
    const service = accounts(ctx.backend.store);
    await openAccount(service, victim);
    for (const hostile of ["x' OR '1'='1", `${victim}'--`, "%", "_"]) {
      const store = ctx.backend.store.forTenant(hostile);
      expect(await store.readStream(TYPE, randomUUID())).toEqual([]);
      await expect(service.get(teller(hostile), randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    }
    const rows = await ctx.backend.db.query<{ n: number }>("SELECT count(*)::int AS n FROM fluvius.events WHERE tenant LIKE $1", ["x'%"]);
    expect(rows[0]?.n).toBe(0);
  });

  it("refuses actors without a usable tenant", async () => {
    const service = accounts(ctx.backend.store);
    for (const tenant of ["", "*", undefined as unknown as string]) {
      await expect(service.get({ id: "u", tenant, roles: ["teller"] }, randomUUID())).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(
        service.execute({
          action: "open-account",
          payload: { customerId: randomUUID(), accountType: "checking" },
          actor: { id: "u", tenant, roles: ["teller"] },
        }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });
}
