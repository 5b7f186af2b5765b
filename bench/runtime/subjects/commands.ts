/**
 * The contenders of the commands-per-second benchmark. Each run gets a fresh connection
 * (on PostgreSQL a new pg pool of the same size for everyone), prepares its accounts
 * untimed, warms up, then measures: `clients` concurrent loops, each awaiting one operation
 * at a time, no two loops on the same account (or row).
 */
import { randomUUID } from "node:crypto";
import { getPostgreSQLEventStore, type PostgresEventStore } from "@event-driven-io/emmett-postgresql";
import { createAggregateService, createStore } from "@fluvius/runtime";
import { account, policy, prepareFluviusSchema, teller } from "../banking.js";
import * as emmett from "../emmett-account.js";
import type { Connection, Connector } from "../target.js";
import { cycling, inParallel, partition, type Op, throughput, type Throughput } from "../throughput.js";

/** Streams (or rows' account numbers) each run spreads its commands over. */
export const ACCOUNTS = 100;

export interface RunOptions {
  readonly clients: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

export interface CommandSubject {
  setup(): Promise<void>;
  run(options: RunOptions): Promise<Throughput>;
  teardown(): Promise<void>;
}

interface Prepared {
  readonly ops: Op[];
  dispose(): Promise<void>;
}

function subject(connector: Connector, setup: (c: Connection) => Promise<void>, prepare: (c: Connection, clients: number) => Promise<Op[]>): CommandSubject {
  return {
    async setup() {
      const c = await connector.connect();
      try {
        await setup(c);
      } finally {
        await c.release();
      }
    },
    async run({ clients, seconds, warmupSeconds }) {
      const c = await connector.connect();
      const prepared: Prepared = { ops: [], dispose: () => c.release() };
      try {
        prepared.ops.push(...(await prepare(c, clients)));
        if (warmupSeconds > 0) await throughput(prepared.ops, warmupSeconds);
        return await throughput(prepared.ops, seconds);
      } finally {
        await prepared.dispose();
      }
    },
    teardown: () => connector.close(),
  };
}

/** fluvius: `createAggregateService` with the generated account, deposits of "1.00". */
export function fluviusCommands(connector: Connector, cacheSize?: number): CommandSubject {
  return subject(
    connector,
    (c) => prepareFluviusSchema(c.db),
    async (c, clients) => {
      const service = createAggregateService(createStore(c.db), account, { policy, ...(cacheSize !== undefined && { cacheSize }) });
      const ids = await inParallel(ACCOUNTS, clients, async () => {
        const result = await service.execute({ action: "open-account", payload: { customerId: randomUUID(), accountType: "checking" }, actor: teller });
        return result.streamId;
      });
      return partition(ids, clients).map((mine) =>
        cycling(mine, async (streamId) => {
          const result = await service.execute({ action: "deposit", streamId, payload: { amount: "1.00" }, actor: teller });
          if (result.events.length !== 1) throw new Error("a deposit appended no event");
        }),
      );
    },
  );
}

const RAW_TABLE = `CREATE TABLE bench_insert (
  id          uuid        PRIMARY KEY,
  account     integer     NOT NULL,
  amount      numeric     NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
)`;
const RAW_INSERT = "INSERT INTO bench_insert (id, account, amount) VALUES ($1::uuid, $2::integer, $3::numeric)";

/**
 * The floor: one row into a table with a primary key per operation, through the same
 * driver layer fluvius uses (named prepared statement on pg), either as its own
 * transaction (`BEGIN; INSERT; COMMIT`, one pooled connection for the three) or as a
 * single autocommitted statement.
 */
export function rawInserts(connector: Connector, mode: "transaction" | "autocommit"): CommandSubject {
  return subject(
    connector,
    (c) => c.db.exec(RAW_TABLE),
    async (c, clients) => {
      const accounts = Array.from({ length: ACCOUNTS }, (_, i) => i + 1);
      const insert = (n: number) => [randomUUID(), n, "1.00"];
      return partition(accounts, clients).map((mine) =>
        mode === "transaction"
          ? cycling(mine, (n) => c.db.transaction((sql) => sql.query(RAW_INSERT, insert(n))))
          : cycling(mine, (n) => c.db.query(RAW_INSERT, insert(n))),
      );
    },
  );
}

/** The peer: Emmett's command handler on its PostgreSQL event store, over the same pg pool settings. */
export function emmettCommands(connector: Connector): CommandSubject {
  const storeOn = (c: Connection, migrate: boolean): PostgresEventStore => {
    if (!c.pool || connector.target.backend !== "postgres") throw new Error("Emmett's PostgreSQL event store runs on PostgreSQL only");
    return getPostgreSQLEventStore(connector.target.url, {
      connectionOptions: { pool: c.pool },
      schema: { autoMigration: migrate ? "CreateOrUpdate" : "None" },
    });
  };
  return subject(
    connector,
    async (c) => {
      await storeOn(c, true).schema.migrate();
    },
    async (c, clients) => {
      const store = storeOn(c, false);
      const ids = await inParallel(ACCOUNTS, clients, async () => {
        const id = randomUUID();
        await emmett.handle(store, emmett.streamName(id), emmett.openAccount(randomUUID()), emmett.openOptions);
        return id;
      });
      return partition(ids, clients).map((mine) =>
        cycling(mine, async (id) => {
          const result = await emmett.handle(store, emmett.streamName(id), emmett.deposit("1.00"));
          if (result.newEvents.length !== 1) throw new Error("a deposit appended no event");
        }),
      );
    },
  );
}
