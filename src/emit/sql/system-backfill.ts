import { tableName } from "./ddl.js";
import { quoteIdent, quoteLiteral } from "./identifiers.js";
import type { ReadModelTable } from "./read-model-table.js";

/**
 * Which event of a row's stream a system column is read from, for the columns a table of an
 * older fluvius lacks: `_creator` is the actor of the first event, `_updater` that of the
 * event at the row's `_version` (the latest one the row was written with).
 */
const FROM_EVENT: Readonly<Record<string, string>> = {
  _creator: "1",
  _updater: `t.${quoteIdent("_version")}`,
};

/**
 * The statement that fills a system column `migrate new` adds to an existing read-model
 * table, from the event log (`fluvius.events.actor_id`), in the same migration; undefined
 * for a column that needs none. Rows whose stream has no such event keep NULL, as the
 * runtime writes for an event without an actor.
 */
export function systemColumnBackfill(table: ReadModelTable, column: string): string | undefined {
  const version = FROM_EVENT[column];
  if (version === undefined) return undefined;
  const streamType = quoteLiteral(`${table.domain}.${table.aggregate}`);
  return [
    `UPDATE ${tableName(table)} AS t SET ${quoteIdent(column)} = e.actor_id`,
    `  FROM fluvius.events e`,
    ` WHERE e.tenant = t.${quoteIdent("_tenant")} AND e.stream_type = ${streamType} AND e.stream_id = t.${quoteIdent("_id")} AND e.version = ${version};`,
  ].join("\n");
}
