/**
 * The aggregate the runtime benchmark drives: the banking `account` exactly as
 * `fluvius generate` emits it (the golden tree of fixtures/valid/banking, with its fresh,
 * unedited handlers), its generated policy, and its read-model table.
 */
import type { Actor, Database, ReadModelDefinition } from "@fluvius/runtime";
import { applySystemSchema } from "@fluvius/runtime";
import { aggregate as account } from "../../fixtures/valid/banking/expected/generated/banking/account.js";
import { policy } from "../../fixtures/valid/banking/expected/generated/banking/_policy.js";

export { account, policy };

export const TENANT = "bench";
export const teller: Actor = { id: "teller-1", tenant: TENANT, roles: ["teller"] };

const SQL_TYPES: Readonly<Record<string, string>> = {
  decimal: "numeric",
  string: "text",
  text: "text",
  email: "text",
  url: "text",
  enum: "text",
  integer: "integer",
  number: "double precision",
  boolean: "boolean",
  uuid: "uuid",
  ref: "uuid",
  date: "date",
  datetime: "timestamptz",
  object: "jsonb",
  array: "jsonb",
  json: "jsonb",
};

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The read-model table of docs/runtime.md §3.5 for a definition's `readModel`. */
export function readModelDdl(rm: ReadModelDefinition): string {
  const columns = rm.columns.map((c) => {
    const type = SQL_TYPES[c.kind];
    if (type === undefined) throw new Error(`no SQL type for column kind ${c.kind}`);
    return `  ${quote(c.column)} ${type},`;
  });
  return `CREATE SCHEMA IF NOT EXISTS ${quote(rm.schema)};
CREATE TABLE ${quote(rm.schema)}.${quote(rm.table)} (
  "_tenant" text NOT NULL, "_id" uuid NOT NULL, "_version" integer NOT NULL,
  "_created" timestamptz NOT NULL, "_updated" timestamptz NOT NULL, "_creator" text, "_updater" text,
${columns.join("\n")}
  PRIMARY KEY ("_tenant", "_id")
);`;
}

/** The system tables and the account table, on an empty database. */
export async function prepareFluviusSchema(db: Database): Promise<void> {
  await applySystemSchema(db);
  if (!account.readModel) throw new Error("the generated account has no read model");
  await db.exec(readModelDdl(account.readModel));
}
