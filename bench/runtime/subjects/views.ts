/**
 * Asynchronous views: how fast a projector moves events into a view, next to the floor of
 * reading the same events.
 *
 *   backlog     per round, `events` deposits on 100 accounts (appends of 10, untimed) after
 *               the projector's checkpoint; both variants then read exactly these events;
 *   projector   `createProjector` for the customer-deposits view (bench/runtime/view-domain.ts),
 *               one pass: events read behind the commit fence, each account's state
 *               folded (held between events), the row's count and sum changed, rows and
 *               checkpoint committed in one transaction per batch of 500. One projector for
 *               the whole run, as a running worker: its states are warm after the warm-up;
 *   catch-up    the floor: `catchUp` over the same events from a new subscription, filtered
 *               by stream type as the projector reads, batches of 500, the handler doing nothing.
 */
import { randomUUID } from "node:crypto";
import {
  catchUp,
  createAggregateService,
  createProjector,
  createStore,
  streamTypeOf,
  type Checkpoint,
  type EventStore,
  type Projector,
} from "@fluvius/runtime";
import { account, policy, prepareFluviusSchema, teller, TENANT } from "../banking.js";
import type { Connection, Connector } from "../target.js";
import { inParallel, readAll } from "../throughput.js";
import { asyncView, viewsDdl } from "../view-domain.js";

const ACCOUNTS = 100;
const PER_APPEND = 10;
export const VIEW_BATCH = 500;

export interface ProjectionRun {
  readonly events: number;
  readonly perSecond: number;
}

export interface Backlog {
  readonly from: Checkpoint;
  readonly events: number;
}

export function fluviusViews(connector: Connector) {
  let connection: Connection | undefined;
  let store: EventStore | undefined;
  let projector: Projector | undefined;
  const accounts: { id: string; version: number }[] = [];
  let runs = 0;

  const ready = () => {
    if (!connection || !store || !projector) throw new Error("setup first");
    return { connection, store, projector };
  };

  return {
    async setup(): Promise<void> {
      connection = await connector.connect();
      await prepareFluviusSchema(connection.db);
      await connection.db.exec(viewsDdl());
      store = createStore(connection.db);
      const service = createAggregateService(store, account, { policy });
      for (let i = 0; i < ACCOUNTS; i++) {
        const opened = await service.execute({ action: "open-account", payload: { customerId: randomUUID(), accountType: "checking" }, actor: teller });
        accounts.push({ id: opened.streamId, version: opened.version });
      }
      projector = createProjector(store, { view: asyncView, definitions: [account], now: () => new Date(), batchSize: VIEW_BATCH });
      // Past the accounts' openings (not source events, but read): the backlogs start at the head.
      await projector.pass();
    },

    /** `events` deposits nobody has projected yet; where the projector's checkpoint stands before them. */
    async backlog(events: number): Promise<Backlog> {
      const { store, projector } = ready();
      if (events % (ACCOUNTS * PER_APPEND) !== 0) throw new RangeError(`events must be a multiple of ${ACCOUNTS * PER_APPEND}`);
      const from = await store.loadCheckpoint(projector.name);
      const tenant = store.forTenant(TENANT);
      const type = streamTypeOf(account);
      const deposit = { type: "deposit-made", schemaVersion: 1, data: { amount: "1.00" } };
      const concurrency = connector.target.backend === "postgres" ? connector.target.poolSize : 1;
      await inParallel(ACCOUNTS, concurrency, async (i) => {
        const stream = accounts[i]!;
        for (let n = 0; n < events / ACCOUNTS / PER_APPEND; n++) {
          await tenant.append(
            type,
            stream.id,
            Array.from({ length: PER_APPEND }, () => deposit),
            { expected: stream.version, actorId: teller.id },
          );
          stream.version += PER_APPEND;
        }
      });
      return { from, events };
    },

    async project(backlog: Backlog): Promise<ProjectionRun> {
      const { projector } = ready();
      const start = performance.now();
      const handled = await readAll(backlog.events, () => projector.pass(), "the projector");
      const ms = performance.now() - start;
      return { events: handled, perSecond: (handled * 1000) / ms };
    },

    async catchUpFloor(backlog: Backlog): Promise<ProjectionRun> {
      const { store } = ready();
      const name = `bench-view-floor-${++runs}`;
      await store.saveCheckpoint(name, backlog.from);
      const start = performance.now();
      const read = () => catchUp(store, { name, streamTypes: [streamTypeOf(account)], batchSize: VIEW_BATCH, handle: () => undefined });
      const delivered = await readAll(backlog.events, read, "catch-up");
      const ms = performance.now() - start;
      return { events: delivered, perSecond: (delivered * 1000) / ms };
    },

    /** The view's rows against the deposits written: every one counted once. */
    async check(): Promise<void> {
      const { connection } = ready();
      const deposits = accounts.reduce((sum, a) => sum + a.version - 1, 0);
      const [row] = await connection.db.query<{ deposits: string; total: string; rows: string }>(
        `SELECT sum(deposits)::text AS deposits, sum(total)::text AS total, count(*)::text AS rows FROM "${asyncView.table.schema}"."${asyncView.table.table}"`,
      );
      if (Number(row?.deposits) !== deposits || Number(row?.total) !== deposits || Number(row?.rows) !== ACCOUNTS) {
        throw new Error(`the view holds ${row?.deposits} deposits (${row?.total}) in ${row?.rows} rows; ${deposits} were made on ${ACCOUNTS} accounts`);
      }
    },

    async teardown(): Promise<void> {
      await connection?.release();
      connection = undefined;
    },
  };
}
