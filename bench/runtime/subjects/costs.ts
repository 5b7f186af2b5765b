/**
 * What a feature costs a command: commands per second of the same command with and without
 * it, on one database, in the same rounds (issue 13's constraints, and inline views).
 *
 * - `deposit` on the generated banking account, and the same with the inline view
 *   customer-deposits (bench/runtime/view-domain.ts: one more row upserted in the command's
 *   statement, keyed by the account's customer);
 * - `register` of a customer with a fresh e-mail (fixtures/valid/catalog, its golden
 *   definitions and the tables `migrate` writes): with its two unique indexes (email, and
 *   country + taxId), and the same definition writing a copy of the table without them;
 * - `place` of an order naming one customer and three products: with `checked: true` on
 *   both refs (one lookup statement), and the same action without checkedRefs.
 * Each run makes its own streams (untimed), warms up, then measures `clients` loops.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createAggregateService, createStore, type AnyAggregateDefinition, type EventStore } from "@fluvius/runtime";
import {
  customerAggregate,
  orderAggregate,
  policy as catalogPolicy,
  productAggregate,
} from "../../../fixtures/valid/catalog/expected/generated/catalog/index.js";
import { compile } from "../../../src/compile.js";
import { memoryHost } from "../../../src/host/memory-host.js";
import { diffSchemas } from "../../../src/migrate/diff.js";
import { desiredSchema } from "../../../src/migrate/snapshot.js";
import { lower } from "../../../src/model/lower.js";
import { account, policy, prepareFluviusSchema, teller } from "../banking.js";
import type { Connection, Connector } from "../target.js";
import { cycling, inParallel, partition, throughput, type Op, type Throughput } from "../throughput.js";
import { inlineView, viewsDdl } from "../view-domain.js";

export const COSTS = {
  deposit: "deposit",
  "deposit-view": "deposit, inline view (count and sum per customer)",
  register: "register, no unique index",
  "register-unique": "register, 2 unique indexes",
  place: "place, refs not checked",
  "place-checked": "place, 4 refs checked",
} as const;

export type CostContender = keyof typeof COSTS;

/** Each feature against the same command without it. */
export const COST_PAIRS = [
  { feature: "inline view", with: "deposit-view", without: "deposit" },
  { feature: "unique constraints", with: "register-unique", without: "register" },
  { feature: "checked refs", with: "place-checked", without: "place" },
] as const satisfies readonly { feature: string; with: CostContender; without: CostContender }[];

const ACCOUNTS = 100;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The first migration of the catalog fixture, without the system schema (applied already). */
async function catalogSql(): Promise<string> {
  const host = memoryHost();
  host.files.set("/project/domains/catalog.yaml", new TextEncoder().encode(readFileSync(path.join(root, "fixtures/valid/catalog/spec/catalog.yaml"), "utf8")));
  const result = await compile({ host });
  if (!result.domains) throw new Error("the catalog fixture does not compile");
  const [, ...changes] = diffSchemas(undefined, desiredSchema(lower(result.domains)).snapshot);
  return changes.flatMap((c) => c.statements).join("\n");
}

/** The customer table again, with its primary key and list index but without the unique indexes. */
const PLAIN_SQL = `CREATE SCHEMA catalog_plain;
CREATE TABLE catalog_plain.customer (LIKE catalog.customer INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE catalog_plain.customer ADD PRIMARY KEY (_tenant, _id);
CREATE INDEX ON catalog_plain.customer (_tenant, _created, _id);`;

export interface CostRunOptions {
  readonly clients: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

export function fluviusCosts(connector: Connector) {
  let connection: Connection | undefined;
  let store: EventStore | undefined;
  const clerk = { id: "clerk-1", tenant: `bench-${randomUUID().slice(0, 8)}`, roles: ["clerk"] };
  let customerId = "";
  let productIds: string[] = [];
  /** Deposits through the service with the inline view: what its rows must add up to. */
  let viewed = 0;

  const readModel = customerAggregate.readModel;
  if (!readModel) throw new Error("the generated customer has no read model");
  const plainCustomer: AnyAggregateDefinition = {
    ...customerAggregate,
    readModel: { schema: "catalog_plain", table: readModel.table, columns: readModel.columns },
  };
  const { checkedRefs: _checked, ...place } = orderAggregate.actions.place;
  const uncheckedOrder: AnyAggregateDefinition = { ...orderAggregate, actions: { ...orderAggregate.actions, place } };

  async function deposits(withView: boolean, clients: number): Promise<Op[]> {
    const service = createAggregateService(store!, account, { policy, ...(withView && { views: [inlineView] }) });
    const ids = await inParallel(
      ACCOUNTS,
      clients,
      async () => (await service.execute({ action: "open-account", payload: { customerId: randomUUID(), accountType: "checking" }, actor: teller })).streamId,
    );
    return partition(ids, clients).map((mine) =>
      cycling(mine, async (streamId) => {
        await service.execute({ action: "deposit", streamId, payload: { amount: "1.00" }, actor: teller });
        if (withView) viewed++;
      }),
    );
  }
  function registers(definition: AnyAggregateDefinition, clients: number): Op[] {
    const service = createAggregateService(store!, definition, { policy: catalogPolicy });
    const op = () =>
      service.execute({ action: "register", payload: { email: `${randomUUID()}@example.com`, country: "NL", taxId: randomUUID() }, actor: clerk });
    return Array.from({ length: clients }, () => cycling([0], op));
  }
  function places(definition: AnyAggregateDefinition, clients: number): Op[] {
    const service = createAggregateService(store!, definition, { policy: catalogPolicy });
    return Array.from({ length: clients }, () => cycling([0], () => service.execute({ action: "place", payload: { customerId, productIds }, actor: clerk })));
  }
  const contenders: Record<CostContender, (clients: number) => Promise<Op[]> | Op[]> = {
    deposit: (clients) => deposits(false, clients),
    "deposit-view": (clients) => deposits(true, clients),
    register: (clients) => registers(plainCustomer, clients),
    "register-unique": (clients) => registers(customerAggregate, clients),
    place: (clients) => places(uncheckedOrder, clients),
    "place-checked": (clients) => places(orderAggregate, clients),
  };

  return {
    async setup(): Promise<void> {
      connection = await connector.connect();
      await prepareFluviusSchema(connection.db);
      await connection.db.exec(viewsDdl());
      await connection.db.exec(await catalogSql());
      await connection.db.exec(PLAIN_SQL);
      store = createStore(connection.db);
      const customers = createAggregateService(store, customerAggregate, { policy: catalogPolicy });
      const products = createAggregateService(store, productAggregate, { policy: catalogPolicy });
      customerId = (await customers.execute({ action: "register", payload: { email: "buyer@example.com", country: "NL", taxId: "T-0" }, actor: clerk }))
        .streamId;
      productIds = await inParallel(
        3,
        3,
        async (i) => (await products.execute({ action: "add", payload: { sku: `SKU-${i}`, name: "Mug", price: "1.00" }, actor: clerk })).streamId,
      );
    },

    async run(contender: CostContender, options: CostRunOptions): Promise<Throughput> {
      if (!store) throw new Error("setup first");
      const ops = await contenders[contender](options.clients);
      if (options.warmupSeconds > 0) await throughput(ops, options.warmupSeconds);
      return throughput(ops, options.seconds);
    },

    /** The inline view counted every deposit of its service, once. */
    async check(): Promise<void> {
      const [row] = await connection!.db.query<{ deposits: string }>(
        `SELECT coalesce(sum(deposits), 0)::text AS deposits FROM "${inlineView.table.schema}"."${inlineView.table.table}"`,
      );
      if (Number(row?.deposits) !== viewed) throw new Error(`the inline view counted ${row?.deposits} of ${viewed} deposits`);
    },

    async teardown(): Promise<void> {
      await connection?.release();
      connection = undefined;
    },
  };
}
