import type { ReadModelDefinition } from "../definition.js";
import { quoteIdent } from "../db/sql-text.js";
import { tableOf } from "./sql.js";

/**
 * Statements the command pipeline reads besides the stream: which referenced streams exist,
 * and which row holds a unique value. Values are parameters, as everywhere in the store.
 */

/** $1 tenant, $2 stream types, $3 stream ids (pairwise): the pairs that have a stream. */
export const EXISTING_STREAMS_SQL = `SELECT s.stream_type, s.stream_id::text AS stream_id
  FROM unnest($2::text[], $3::text[]) AS r(stream_type, stream_id)
  JOIN fluvius.streams s ON s.tenant = $1::text AND s.stream_type = r.stream_type AND s.stream_id = r.stream_id::uuid`;

/**
 * $1 tenant, $2 the row's columns (JSON, read with the table's own types), $3 a stream id to
 * leave out (NULL: none): the id of a row whose `columns` equal those given.
 */
export function rowWithValuesSql(readModel: ReadModelDefinition, columns: readonly string[]): string {
  const table = tableOf(readModel);
  const equal = columns.map((c) => `t.${quoteIdent(c)} = r.${quoteIdent(c)}`).join(" AND ");
  return `SELECT t._id::text AS id FROM ${table} t, jsonb_populate_record(NULL::${table}, $2::text::jsonb) AS r
 WHERE t._tenant = $1::text AND ${equal} AND ($3::text IS NULL OR t._id <> $3::text::uuid) LIMIT 1`;
}
