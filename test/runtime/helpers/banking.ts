import { randomUUID } from "node:crypto";
import { createAggregateService, type Actor, type AggregateService, type EventStore, type Sql } from "@fluvius/runtime";
import { account, bankingPolicy, type AccountEvent, type AccountPayloads, type AccountState } from "../fixtures/banking-account.js";

export type AccountService = AggregateService<AccountState, AccountEvent, AccountPayloads>;

export const teller = (tenant: string): Actor => ({ id: "teller-1", tenant, roles: ["teller"] });
export const auditor = (tenant: string): Actor => ({ id: "auditor-1", tenant, roles: ["auditor"] });
export const customer = (tenant: string, id: string): Actor => ({ id, tenant, roles: ["customer"] });

/** A service as one process has it; two calls model two processes (each with its own cache). */
export function accounts(store: EventStore, definition = account, cacheSize?: number): AccountService {
  return createAggregateService(store, definition, { policy: bankingPolicy, ...(cacheSize !== undefined && { cacheSize }) });
}

/** Opens an account as a teller and returns its id. */
export async function openAccount(service: AccountService, tenant: string, customerId: string = randomUUID()): Promise<string> {
  const result = await service.execute({ action: "open-account", payload: { customerId, accountType: "checking" }, actor: teller(tenant) });
  return result.streamId;
}

export interface AccountRow {
  _version: number;
  _created: string;
  _updated: string;
  _creator: string | null;
  _updater: string | null;
  customer_id: string | null;
  account_type: string | null;
  balance: string | null;
  status: string | null;
  tags: unknown;
}

export async function accountRow(sql: Sql, tenant: string, id: string): Promise<AccountRow | undefined> {
  const [row] = await sql.query<AccountRow>(
    `SELECT _version, _created::text, _updated::text, _creator, _updater, customer_id::text, account_type, balance::text, status, tags
       FROM banking.account WHERE _tenant = $1 AND _id = $2::uuid`,
    [tenant, id],
  );
  return row;
}

export async function count(sql: Sql, table: string, tenant: string): Promise<number> {
  const column = table === "banking.account" ? "_tenant" : "tenant";
  const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [tenant]);
  return row?.n ?? 0;
}

/** Rows of every table the runtime writes, for one tenant: "nothing left behind" checks. */
export async function footprint(sql: Sql, tenant: string) {
  return {
    streams: await count(sql, "fluvius.streams", tenant),
    events: await count(sql, "fluvius.events", tenant),
    commands: await count(sql, "fluvius.commands", tenant),
    snapshots: await count(sql, "fluvius.snapshots", tenant),
    rows: await count(sql, "banking.account", tenant),
  };
}
