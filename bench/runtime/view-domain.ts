/**
 * The view the runtime benchmark keeps: deposits and their sum per customer, fed by the
 * generated banking account's `deposit-made` and keyed by the account's state (its
 * customer), written by hand the way `fluvius generate` emits a view (compare
 * fixtures/valid/views/expected/generated/sales/_views.ts). The same definition serves as
 * an inline view (in the command's write) and as an asynchronous one (a projector).
 */
import { defineView, type EventRecord, type ViewDefinition } from "@fluvius/runtime";
import type { AccountState, DepositMadeEvent } from "../../fixtures/valid/banking/expected/generated/banking/account.js";
import { account } from "./banking.js";

const SCHEMA = "bench_views";

function customerDeposits(name: string, async: boolean): ViewDefinition {
  return defineView({
    domain: "bench",
    name,
    async,
    table: {
      schema: SCHEMA,
      table: name.replace(/-/g, "_"),
      key: [{ field: "customerId", column: "customer_id", kind: "uuid", sqlType: "uuid" }],
      columns: [
        { field: "deposits", column: "deposits", kind: "integer", sqlType: "bigint", default: "0" },
        { field: "total", column: "total", kind: "decimal", sqlType: "numeric(1000,2)", default: "0.00" },
      ],
    },
    sources: [
      {
        streamType: `${account.domain}.${account.aggregate}`,
        eventType: "deposit-made",
        change: (event: EventRecord<DepositMadeEvent>, state: AccountState) => {
          const key = [state.customerId];
          if (key.some((part) => part === undefined || part === null)) return undefined;
          return {
            key,
            operations: [
              { kind: "count", field: "deposits" },
              { kind: "add", field: "total", value: event.event.data.amount },
            ],
          };
        },
      },
    ],
  });
}

/** Kept in the command's write. */
export const inlineView = customerDeposits("customer-deposits", false);
/** Kept by a projection worker after the commit. */
export const asyncView = customerDeposits("customer-deposits-async", true);

/** The tables `migrate` would make for the views (src/emit/sql/view-table.ts). */
export function viewsDdl(): string {
  const tables = [inlineView, asyncView].map(
    (v) => `CREATE TABLE "${SCHEMA}"."${v.table.table}" (
  "_tenant" text NOT NULL, "customer_id" uuid NOT NULL, "_version" integer NOT NULL, "_updated" timestamptz NOT NULL,
  "deposits" bigint NOT NULL DEFAULT 0, "total" numeric(1000,2) NOT NULL DEFAULT 0.00,
  PRIMARY KEY ("_tenant", "customer_id")
);`,
  );
  return [`CREATE SCHEMA "${SCHEMA}";`, ...tables].join("\n");
}
