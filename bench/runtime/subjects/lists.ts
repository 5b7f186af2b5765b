/**
 * Lists at scale (issue 14): list reads of the banking account's read model holding `rows`
 * accounts of one tenant (200,000; 20,000 in quick mode), filled by INSERT … SELECT
 * generate_series, with the indexes the migrations create for it when `balance` is marked
 * `index: true` (built by the migrations' own index emitter). Cases:
 *   page-1      open accounts (90%), sorted by balance descending, page 1 of 25;
 *   deep-page   the same, page 1000 (fewer in quick mode: the last full page);
 *   text        `text=frozen` (9% of the rows), newest first, page 1;
 *   own         a customer's own accounts (the policy's `customerId = $actor.id`), page 1.
 * Each through the runtime (`service.list`, with the teller's or the customer's actor) and, as
 * the floor, the very statements the runtime sent (recorded once per case), run directly on
 * the same pool, page and count side by side as the runtime runs them. A third variant runs
 * the page with an exact `count(*)` of every match, what a list did before the count stopped
 * COUNT_AHEAD rows past the page.
 */
import { createAggregateService, createStore, type Database, type ListRequest } from "@fluvius/runtime";
import { createIndexSql } from "../../../src/emit/sql/ddl.js";
import { searchIndex, type TableColumn, type TableIndex } from "../../../src/emit/sql/read-model-table.js";
import { account, policy, prepareFluviusSchema, teller, TENANT } from "../banking.js";
import type { Connection, Connector } from "../target.js";
import { throughput } from "../throughput.js";

export type ListCase = "page-1" | "deep-page" | "text" | "own";
export type ListVariant = "runtime" | "raw" | "exact-count";
export const LIST_CASES: readonly ListCase[] = ["page-1", "deep-page", "text", "own"];
export const LIST_VARIANTS: readonly ListVariant[] = ["runtime", "raw", "exact-count"];

const CUSTOMERS = 10_000;
const PAGE = 25;

export interface ListRun {
  readonly perSecond: number;
  /** Rows of the page and the total it reported (the same in every variant but exact-count's total). */
  readonly rows: number;
  readonly total: number;
}

export interface ListSetup {
  readonly rows: number;
  readonly deepPage: number;
}

interface Recorded {
  readonly text: string;
  readonly params: readonly unknown[];
}

export function fluviusLists(connector: Connector) {
  let connection: Connection | undefined;
  let setup: ListSetup | undefined;
  const statements = new Map<ListCase, Recorded[]>();
  let recording: Recorded[] | undefined;
  const customer = `00000000-0000-4000-8000-${String(42).padStart(12, "0")}`;

  const requests = (deepPage: number): Record<ListCase, { readonly actor: typeof teller; readonly request: ListRequest }> => ({
    "page-1": { actor: teller, request: { query: { status: "open" }, sort: "balance.desc", limit: PAGE, page: 1 } },
    "deep-page": { actor: teller, request: { query: { status: "open" }, sort: "balance.desc", limit: PAGE, page: deepPage } },
    text: { actor: teller, request: { text: "frozen", limit: PAGE, page: 1 } },
    own: { actor: { id: customer, tenant: TENANT, roles: ["customer"] }, request: { limit: PAGE, page: 1 } },
  });

  const ready = () => {
    if (!connection || !setup) throw new Error("setup first");
    return { db: connection.db, setup };
  };

  return {
    async setup(rows: number): Promise<ListSetup> {
      connection = await connector.connect();
      const db = connection.db;
      await prepareFluviusSchema(db);
      const rm = account.readModel;
      if (!rm) throw new Error("the generated account has no read model");
      await db.exec(`INSERT INTO "${rm.schema}"."${rm.table}" (_tenant, _id, _version, _created, _updated, customer_id, account_type, balance, status, tags)
        SELECT '${TENANT}', md5('a' || i)::uuid, 1, timestamptz '2026-01-01' + i * interval '1 second', now(),
               ('00000000-0000-4000-8000-' || lpad((i % ${CUSTOMERS})::text, 12, '0'))::uuid,
               CASE WHEN i % 2 = 0 THEN 'checking' ELSE 'savings' END, (i % 100000) / 100.0,
               CASE WHEN i % 100 = 0 THEN 'closed' WHEN i % 100 < 10 THEN 'frozen' ELSE 'open' END, '[]'::jsonb
          FROM generate_series(1, ${rows}) AS i`);
      // What `fluvius migrate` creates for this table with `index: true` on balance (src/emit/sql/read-model-table.ts).
      const table = { schema: rm.schema, table: rm.table };
      const indexes: TableIndex[] = [
        { name: `${rm.table}__tenant__created__id_idx`, columns: ["_tenant", "_created", "_id"], reason: "default order" },
        { name: `${rm.table}__tenant_customer_id_idx`, columns: ["_tenant", "customer_id"], reason: "the customer rule" },
        { name: `${rm.table}__tenant_balance__id_idx`, columns: ["_tenant", "balance", "_id"], reason: "index: true" },
        ...searchIndex(
          rm.table,
          rm.columns.map((c) => ({ field: c.field, column: c.column, kind: c.kind }) as TableColumn),
        ),
      ];
      for (const index of indexes) await db.exec(createIndexSql(table, index));
      await db.exec(`ANALYZE "${rm.schema}"."${rm.table}"`);
      const openRows = Math.floor(rows * 0.89);
      setup = { rows, deepPage: Math.min(1000, Math.floor(openRows / PAGE)) };
      return setup;
    },

    async run(args: { readonly case: ListCase; readonly variant: ListVariant; readonly seconds: number; readonly warmupSeconds: number }): Promise<ListRun> {
      const { db, setup } = ready();
      const { actor, request } = requests(setup.deepPage)[args.case];
      // The runtime's statements, recorded once per case, are the floor's.
      const service = createAggregateService(createStore(recorder(db, (q) => recording?.push(q))), account, { policy });
      if (!statements.has(args.case)) {
        recording = [];
        await service.list(actor, request);
        statements.set(args.case, recording);
        recording = undefined;
      }
      const sent = statements.get(args.case) ?? [];
      const page = sent.find((q) => q.text.includes("ORDER BY"));
      const count = sent.find((q) => q.text.startsWith("SELECT count(*)"));
      if (!page || !count) throw new Error(`the list sent no page and count: ${sent.map((q) => q.text).join("\n")}`);
      // The count before it stopped: every matching row, the same WHERE (the subquery's own).
      const exactCount = { text: count.text.replace(/\s+LIMIT \$\d+::integer\) AS counted$/, ") AS counted"), params: count.params.slice(0, -1) };
      let last: { rows: number; total: number } = { rows: 0, total: 0 };
      const op = async () => {
        if (args.variant === "runtime") {
          const listed = await service.list(actor, request);
          last = { rows: listed.rows.length, total: listed.total };
          return;
        }
        const second = args.variant === "raw" ? count : exactCount;
        const [rows, counted] = await Promise.all([db.query(page.text, page.params), db.query<{ total: number }>(second.text, second.params)]);
        last = { rows: rows.length, total: Number(counted[0]?.total ?? 0) };
      };
      await throughput([op], args.warmupSeconds);
      const measured = await throughput([op], args.seconds);
      if (last.rows === 0) throw new Error(`${args.case}: the page is empty`);
      return { perSecond: measured.perSecond, ...last };
    },

    async teardown(): Promise<void> {
      await connection?.release();
    },
  };
}

/** The database with every query reported to `record` first (the floor replays them). */
function recorder(db: Database, record: (query: Recorded) => void): Database {
  return {
    ...db,
    query: (text, params = []) => {
      record({ text, params });
      return db.query(text, params);
    },
  };
}
