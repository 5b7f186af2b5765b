import { ALL_TENANTS } from "../actor.js";
import type { Sql } from "../db/database.js";
import type { Checkpoint } from "../store/types.js";

/**
 * An asynchronous view's checkpoint, moved in the same transaction as the rows it stands
 * for: `add` and `count` are not idempotent, so rows and checkpoint commit together or not at
 * all. The row is locked first (by the projector and by a rebuild alike), so a projector
 * whose checkpoint moved meanwhile (a rebuild, a second holder after a lease lapsed) writes
 * nothing.
 */
export async function lockCheckpoint(sql: Sql, name: string): Promise<Checkpoint> {
  await sql.query(
    `INSERT INTO fluvius.subscriptions (tenant, name, tx_id, position, updated_at)
     VALUES ($1::text, $2::text, '0'::text::xid8, 0, clock_timestamp()) ON CONFLICT (tenant, name) DO NOTHING`,
    [ALL_TENANTS, name],
  );
  const [row] = await sql.query<{ tx_id: string; position: string }>(
    `SELECT tx_id::text AS tx_id, position::text AS position FROM fluvius.subscriptions WHERE tenant = $1::text AND name = $2::text FOR UPDATE`,
    [ALL_TENANTS, name],
  );
  return { transactionId: BigInt(row?.tx_id ?? "0"), position: BigInt(row?.position ?? "0") };
}

export async function moveCheckpoint(sql: Sql, name: string, to: Checkpoint): Promise<void> {
  await sql.query(
    `UPDATE fluvius.subscriptions SET tx_id = $3::text::xid8, position = $4::text::bigint, updated_at = clock_timestamp()
      WHERE tenant = $1::text AND name = $2::text`,
    [ALL_TENANTS, name, to.transactionId.toString(), to.position.toString()],
  );
}

export function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  return a.transactionId === b.transactionId && a.position === b.position;
}
