/**
 * What unique constraints and checked refs cost (issue 13): commands per second of the same
 * creating command with and without them, in one run, as paired ratios. Runs on the
 * PostgreSQL server (FLUVIUS_BENCH_PG, as `npm run bench`) or on PGlite (`--backend pglite`).
 *
 *   npm run build && npx tsx bench/constraints.ts [--backend postgres|pglite] [--rounds 5] [--seconds 3] [--clients 8]
 *
 * Contenders (fixtures/valid/catalog, its golden definitions and the tables `migrate` writes):
 * - `register` of a customer with a fresh e-mail: with its two unique indexes (email, and
 *   country + taxId), and the same definition writing a copy of the table without them;
 * - `place` of an order naming one customer and three products: with `checked: true` on
 *   both refs (one lookup statement), and the same action without checkedRefs.
 * Rounds interleave the contenders (order rotated each round); ratios are taken per round.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createAggregateService, createStore, openPglite, pgDatabase, pgliteDatabase, applySystemSchema, type Database, type AnyAggregateDefinition } from "fluvius/runtime";
import { compile } from "../src/compile.js";
import { memoryHost } from "../src/host/memory-host.js";
import { diffSchemas } from "../src/migrate/diff.js";
import { desiredSchema } from "../src/migrate/snapshot.js";
import { lower } from "../src/model/lower.js";
import { customerAggregate, orderAggregate, policy, productAggregate } from "../fixtures/valid/catalog/expected/generated/catalog/index.js";
import { pairedRatio, stats } from "./lib/measure.js";
import { cleanup, createDatabase } from "./lib/services.js";
import { cycling, inParallel, throughput, type Op } from "./runtime/throughput.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const backend = arg("backend", "postgres");
const rounds = Number(arg("rounds", "5"));
const seconds = Number(arg("seconds", "3"));
const clients = Number(arg("clients", "8"));

/** The first migration of the catalog fixture, without the system schema (applied separately). */
async function catalogSql(): Promise<string> {
  const host = memoryHost();
  host.files.set("/project/domains/catalog.yaml", new TextEncoder().encode(readFileSync(path.join(root, "fixtures/valid/catalog/spec/catalog.yaml"), "utf8")));
  const result = await compile({ host });
  if (!result.domains) throw new Error("the catalog fixture does not compile");
  const [, ...changes] = diffSchemas(undefined, desiredSchema(lower(result.domains)).snapshot);
  return changes.flatMap((c) => c.statements).join("\n");
}

/** The customer table again, with its primary key and list index but without the unique indexes. */
const PLAIN_SQL = `CREATE SCHEMA catalog_plain;
CREATE TABLE catalog_plain.customer (LIKE catalog.customer INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE catalog_plain.customer ADD PRIMARY KEY (_tenant, _id);
CREATE INDEX ON catalog_plain.customer (_tenant, _created, _id);`;

async function open(): Promise<{ db: Database; close(): Promise<void> }> {
  if (backend === "pglite") {
    const db = pgliteDatabase(await openPglite());
    return { db, close: () => db.close() };
  }
  const database = await createDatabase("constraints");
  const db = pgDatabase({ connectionString: database.url, max: clients });
  return { db, close: async () => (await db.close(), await database.drop()) };
}

async function main(): Promise<void> {
  const { db, close } = await open();
  try {
    await applySystemSchema(db);
    await db.exec(await catalogSql());
    await db.exec(PLAIN_SQL);
    const store = createStore(db);
    const actor = { id: "clerk-1", tenant: `bench-${randomUUID().slice(0, 8)}`, roles: ["clerk"] };
    const service = (definition: AnyAggregateDefinition) => createAggregateService(store, definition, { policy });

    const readModel = customerAggregate.readModel;
    if (!readModel) throw new Error("the generated customer has no read model");
    const plainCustomer: AnyAggregateDefinition = { ...customerAggregate, readModel: { schema: "catalog_plain", table: readModel.table, columns: readModel.columns } };
    const { checkedRefs: _checked, ...place } = orderAggregate.actions.place;
    const uncheckedOrder: AnyAggregateDefinition = { ...orderAggregate, actions: { ...orderAggregate.actions, place } };

    const customers = service(customerAggregate);
    const products = service(productAggregate);
    const customerId = (await customers.execute({ action: "register", payload: { email: "buyer@example.com", country: "NL", taxId: "T-0" }, actor })).streamId;
    const productIds = await inParallel(3, 3, async (i) => (await products.execute({ action: "add", payload: { sku: `SKU-${i}`, name: "Mug", price: "1.00" }, actor })).streamId);

    const register = (definition: AnyAggregateDefinition): Op[] => {
      const s = service(definition);
      return Array.from({ length: clients }, () =>
        cycling([0], async () => {
          await s.execute({ action: "register", payload: { email: `${randomUUID()}@example.com`, country: "NL", taxId: randomUUID() }, actor });
        }),
      );
    };
    const placeOrder = (definition: AnyAggregateDefinition): Op[] => {
      const s = service(definition);
      return Array.from({ length: clients }, () => cycling([0], async () => void (await s.execute({ action: "place", payload: { customerId, productIds }, actor }))));
    };
    const contenders: Record<string, () => Op[]> = {
      "register, no unique": () => register(plainCustomer),
      "register, 2 unique indexes": () => register(customerAggregate),
      "place, refs not checked": () => placeOrder(uncheckedOrder),
      "place, 4 refs checked": () => placeOrder(orderAggregate),
    };
    const names = Object.keys(contenders);
    const results: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 0; round < rounds; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length] ?? "");
      for (const name of order) {
        const ops = contenders[name]?.() ?? [];
        await throughput(ops, Math.min(1, seconds)); // warm-up
        results[name]?.push((await throughput(ops, seconds)).perSecond);
      }
    }
    const line = (name: string) => {
      const s = stats(results[name] ?? []);
      return `| ${name} | ${s.median.toFixed(0)} | ${s.min.toFixed(0)}–${s.max.toFixed(0)} |`;
    };
    const ratio = (a: string, b: string) => {
      const r = pairedRatio(results[a] ?? [], results[b] ?? []);
      return `${r.median.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;
    };
    console.log(`backend ${backend}, ${clients} clients, ${rounds} rounds of ${seconds} s\n`);
    console.log("| contender | commands/s (median) | min–max |\n|---|---|---|");
    for (const name of names) console.log(line(name));
    console.log(`\nunique constraints: ${ratio("register, 2 unique indexes", "register, no unique")} of the commands/s without them`);
    console.log(`checked refs: ${ratio("place, 4 refs checked", "place, refs not checked")} of the commands/s without them`);
  } finally {
    await close();
    await cleanup(() => undefined);
  }
}

await main();
