import type { Sql } from "../db/database.js";

/**
 * A named lease in fluvius.leases: at most one holder at a time, kept while the holder
 * renews it, free for another process once it has expired (the holder died or hung).
 * A lease keeps replicas from doing the same work twice at once; correctness never rests
 * on it (derived command ids make a repeat a no-op), so a slow holder that loses it while
 * working is harmless.
 */
export const ACQUIRE_LEASE_SQL = `INSERT INTO fluvius.leases AS l (name, holder, expires_at)
  VALUES ($1::text, $2::text, clock_timestamp() + $3::integer * interval '1 millisecond')
  ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
  WHERE l.holder = EXCLUDED.holder OR l.expires_at < clock_timestamp()
  RETURNING holder`;

const RELEASE_LEASE_SQL = "DELETE FROM fluvius.leases WHERE name = $1::text AND holder = $2::text";

/** Takes or renews the lease for `ttlMs`; false when another holder has it. */
export async function acquireLease(sql: Sql, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const rows = await sql.query(ACQUIRE_LEASE_SQL, [name, holder, Math.round(ttlMs)]);
  return rows.length > 0;
}

export async function releaseLease(sql: Sql, name: string, holder: string): Promise<void> {
  await sql.query(RELEASE_LEASE_SQL, [name, holder]);
}
