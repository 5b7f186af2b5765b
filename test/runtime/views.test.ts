/**
 * A view bound to a uuid column from `$event.actorId`: an actor whose id is no UUID gets the
 * command refused (actor-id-not-uuid), never a database error mid-write; nothing is written.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { ActorIdNotUuidError, createAggregateService, defineView, type ViewDefinition } from "@fluvius/runtime";
import { account, bankingPolicy } from "./fixtures/banking-account.js";
import { freshTenant, pgliteBackend, type Backend } from "./helpers/backends.js";

const TABLE = `CREATE TABLE "banking"."openers" (_tenant text NOT NULL, opener uuid NOT NULL, _version integer NOT NULL,
  _updated timestamptz NOT NULL, accounts bigint DEFAULT 0, PRIMARY KEY (_tenant, opener))`;

const openers: ViewDefinition = defineView({
  domain: "banking",
  name: "openers",
  table: {
    schema: "banking",
    table: "openers",
    key: [{ field: "opener", column: "opener", kind: "uuid", sqlType: "uuid" }],
    columns: [{ field: "accounts", column: "accounts", kind: "integer", sqlType: "bigint", default: "0" }],
  },
  sources: [
    {
      streamType: "banking.account",
      eventType: "account-opened",
      change: (event) => ({ key: [event.actorId], operations: [{ kind: "count", field: "accounts" }] }),
    },
  ],
});

let backend: Backend;
beforeAll(async () => {
  backend = await pgliteBackend();
  await backend.db.exec(TABLE);
});
afterAll(async () => {
  await backend?.close();
});

test("a uuid key part from an actor id that is no UUID refuses the command; a UUID actor's command counts", async () => {
  const service = createAggregateService(backend.store, account, { policy: bankingPolicy, views: [openers] });
  const tenant = freshTenant();
  const open = (id: string) =>
    service.execute({
      action: "open-account",
      payload: { customerId: "5b0f6a8e-3a57-4d1c-9c65-0d2b7e4a1f00", accountType: "checking" },
      actor: { id, tenant, roles: ["teller"] },
    });
  await expect(open("teller-1")).rejects.toBeInstanceOf(ActorIdNotUuidError);
  const uuidActor = "0b8e3c1a-2d4f-4e6a-8b9c-0d1e2f3a4b5c";
  await open(uuidActor);
  const rows = await backend.db.query<{ opener: string; accounts: string }>(
    `SELECT opener::text AS opener, accounts::text AS accounts FROM "banking"."openers" WHERE _tenant = $1`,
    [tenant],
  );
  expect(rows).toEqual([{ opener: uuidActor, accounts: "1" }]);
  const [streams] = await backend.db.query<{ n: string }>("SELECT count(*)::text AS n FROM fluvius.streams WHERE tenant = $1", [tenant]);
  expect(streams?.n).toBe("1");
});
