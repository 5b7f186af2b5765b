import type { Checkpoint, EventStore } from "../store/types.js";
import type { ViewDefinition } from "./definition.js";
import { projectorName } from "./projector.js";

/** Where an asynchronous view's projector stands: what `fluvius reactions status` prints. */
export interface ViewStatus {
  /** `view:<domain>.<name>` */
  readonly worker: string;
  readonly checkpoint: Checkpoint;
  /** Source events recorded after its checkpoint: not yet in the view. */
  readonly lag: number;
  /** Events whose change failed, and those asked to be applied again. */
  readonly parked: number;
  readonly retrying: number;
  /** The process running it now (its lease), if any. */
  readonly heldBy: string | null;
}

interface CountsRow {
  lag: string | number;
  parked: string | number;
  retrying: string | number;
  held_by: string | null;
}

export async function viewStatus(store: EventStore, views: readonly ViewDefinition[]): Promise<ViewStatus[]> {
  const statuses: ViewStatus[] = [];
  for (const view of views.filter((v) => v.async === true)) {
    const worker = projectorName(view);
    const checkpoint = await store.loadCheckpoint(worker);
    const [row] = await store.database.query<CountsRow>(
      `SELECT
         (SELECT count(*) FROM fluvius.events e
           WHERE (e.stream_type, e.event_type) IN (SELECT * FROM unnest($1::text[], $2::text[]))
             AND (e.tx_id, e.position) > ($3::text::xid8, $4::text::bigint)) AS lag,
         (SELECT count(*) FROM fluvius.parked WHERE reaction = $5::text AND status = 'parked') AS parked,
         (SELECT count(*) FROM fluvius.parked WHERE reaction = $5::text AND status = 'retry') AS retrying,
         (SELECT holder FROM fluvius.leases WHERE name = $6::text AND expires_at > clock_timestamp()) AS held_by`,
      [
        view.sources.map((s) => s.streamType),
        view.sources.map((s) => s.eventType),
        checkpoint.transactionId.toString(),
        checkpoint.position.toString(),
        worker,
        `worker:${worker}`,
      ],
    );
    statuses.push({
      worker,
      checkpoint,
      lag: Number(row?.lag ?? 0),
      parked: Number(row?.parked ?? 0),
      retrying: Number(row?.retrying ?? 0),
      heldBy: row?.held_by ?? null,
    });
  }
  return statuses;
}
