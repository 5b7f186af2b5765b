import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { readModelTable, type ReadModelTable } from "../../../src/emit/sql/index.js";
import type { MemoryHost } from "../../../src/host/memory-host.js";
import { migrateUp, migrationStatus } from "../../../src/migrate/runner.js";
import type { MigrationTarget } from "../../../src/migrate/target.js";
import { applySystemSchema, createStore, rowColumns, type Database, type ReadModelDefinition } from "@fluvius/runtime";
import { catalogOf } from "./databases.js";
import { compiled, evolutionSpecs, lines, migrationFiles, mustMigrate, project, setSpecs } from "./project.js";

/** A database to migrate: a fresh one per call (PostgreSQL) or the shared one, emptied (PGlite). */
export interface Backend {
  readonly name: string;
  fresh(): Promise<{ target: MigrationTarget; done(): Promise<void> }>;
}

async function up(target: MigrationTarget, host: MemoryHost) {
  const result = await migrateUp(target, await migrationFiles(host), "migrations");
  expect(result.diagnostics, "migrate up reports no problem").toEqual([]);
  return result;
}

/** The evolution fixture's project with its three migrations generated in order. */
async function evolvedProject(): Promise<MemoryHost> {
  const host = project(evolutionSpecs("v1"));
  await mustMigrate(host, "init");
  setSpecs(host, evolutionSpecs("v2"));
  await mustMigrate(host, "v2");
  setSpecs(host, evolutionSpecs("v3"));
  await mustMigrate(host, "v3", true);
  return host;
}

/** Writes a row the way the runtime does after a command, with the columns the generator takes from readModelTable. */
async function writeThroughRuntime(db: Database, table: ReadModelTable, state: Record<string, unknown>): Promise<Record<string, unknown>> {
  const definition: ReadModelDefinition = {
    schema: table.schema,
    table: table.table,
    columns: table.columns.map((c) => ({ field: c.field, column: c.column, kind: c.kind })),
  };
  const id = randomUUID();
  await createStore(db)
    .forTenant("tenant-a")
    .commit({
      streamType: `${table.domain}.${table.aggregate}`,
      streamId: id,
      expected: "no-stream",
      events: [{ type: "something-happened", schemaVersion: 1, data: {} }],
      readModel: { definition, columns: rowColumns(definition, state) },
    });
  const [row] = await db.query(`SELECT * FROM "${table.schema}"."${table.table}" WHERE _id = $1::uuid`, [id]);
  return row as Record<string, unknown>;
}

async function tableOf(host: MemoryHost, domain: string, aggregate: string): Promise<ReadModelTable> {
  const { model } = await compiled(host);
  const d = model.domains.find((x) => x.name === domain);
  const a = d?.aggregates.find((x) => x.name === aggregate);
  if (!d || !a) throw new Error(`no ${domain}.${aggregate}`);
  return readModelTable(d, a);
}

/** `domain: shop` with aggregate `item` (and more YAML after it). */
function shop(state: string, more = ""): Record<string, string> {
  return {
    "shop.yaml": `domain: shop\ntypes:\n  Money: { type: decimal, scale: 2 }\naggregates:\n  item:\n    state:\n${state
      .split("\n")
      .map((l) => `      ${l}`)
      .join("\n")}\n${more}`,
  };
}
const RULES = `policies:\n  roles: { r: {} }\n  rules:\n    - { role: r, allow: ["*"] }\n`;
const OTHER = "  other:\n    state: { x: string }\n";
const MORE = { "more.yaml": "domain: more\naggregates:\n  thing:\n    state: { y: { enum: [a, b] } }\n" };

/** [label, before, after]: each pair is migrated and compared with a fresh database from `after`. */
const CHANGES: [string, Record<string, string>, Record<string, string>][] = [
  ["swap", shop("a: string\nb: integer"), shop("a: { type: integer, renamedFrom: b }\nb: { type: string, renamedFrom: a }")],
  [
    "widening",
    shop("p: Money\ni: integer\nj: integer\nu: uuid\nr: { type: string, default: x }\ne: { enum: [a] }\ns: string\nn: integer"),
    shop("p: { type: decimal, scale: 4 }\ni: number\nj: decimal\nu: string\nr: string?\ne: string\ns: json\nn: { type: integer, default: 1 }"),
  ],
  [
    "destructive",
    shop("a: string\nb: string\nt: string\ns: { enum: [a, b] }\np: { type: decimal, scale: 4 }\no: string?\nq: number"),
    shop("a: string\nt: integer\ns: { enum: [b, c] }\np: Money\no: { type: string, default: x }\nq: integer"),
  ],
  [
    "rename with CHECK and index",
    shop("kind: { enum: [a, b] }\nowner: { ref: item }", RULES),
    shop("sort: { enum: [a, b], renamedFrom: kind }\nholder: { ref: item, renamedFrom: owner }", RULES),
  ],
  ["drop a table and a domain", { ...shop("a: string", OTHER), ...MORE }, shop("a: string")],
  ["add a table and a domain", shop("a: string"), { ...shop("a: string", OTHER), ...MORE }],
  [
    "unique constraints added and dropped",
    shop("a: string\nb: string\nc: { type: string, unique: true }"),
    shop("a: { type: string, unique: true }\nb: string\nc: string", "    unique: [[a, b]]\n"),
  ],
];

const ORDER_STATE = {
  buyerId: "6b1c1a4e-8f43-4a8e-9a39-9f7f7d1d2a10",
  status: "shipped",
  total: "12.3400",
  notes: "leave at the door",
  priority: 2.5,
  shipTo: { line1: "1 Main St", city: "Springfield" },
  tags: ["gift"],
  placedOn: "2024-05-01",
  shippedAt: "2024-05-02T10:00:00.000Z",
};

export function migrationSuite(backend: Backend): void {
  describe(`migrations on ${backend.name}`, () => {
    test("applying v1 → v2 → v3 in order gives the same catalog as a fresh database built from v3", async () => {
      const evolved = await evolvedProject();
      const files = await migrationFiles(evolved);
      expect(files.map((f) => f.name)).toEqual(["0001_init.sql", "0002_v2.sql", "0003_v3.sql"]);

      // Upgraded: one migration at a time, with rows in the tables in between.
      const upgraded = await backend.fresh();
      let upgradedCatalog;
      try {
        const db = upgraded.target.db;
        await migrateUp(upgraded.target, files.slice(0, 1), "migrations");
        await db.exec(`INSERT INTO shop.customer (_tenant, _id, _version, _created, _updated, name, legacy_code)
                         VALUES ('t', '11111111-1111-4111-8111-111111111111', 1, now(), now(), 'Ada', 'L1');
                       INSERT INTO shop."order" (_tenant, _id, _version, _created, _updated, customer_id, status, total, tags)
                         VALUES ('t', '22222222-2222-4222-8222-222222222222', 1, now(), now(), '11111111-1111-4111-8111-111111111111', 'placed', 9.99, '["x"]');`);
        await migrateUp(upgraded.target, files.slice(0, 2), "migrations");
        await db.exec(`INSERT INTO shop.invoice (_tenant, _id, _version, _created, _updated, order_id, issued_on, amount, lines)
                         VALUES ('t', '33333333-3333-4333-8333-333333333333', 1, now(), now(), '22222222-2222-4222-8222-222222222222', '2024-01-31', 9.9900, '[]')`);
        const result = await up(upgraded.target, evolved);
        expect(result.applied.map((f) => f.name)).toEqual(["0003_v3.sql"]);

        // The data came along: the renamed columns kept their values, NULLs got the new default.
        const [customer] = await db.query(`SELECT full_name, vip, points::int AS points FROM shop.customer`);
        expect(customer).toEqual({ full_name: "Ada", vip: false, points: 0 });
        const [order] = await db.query(`SELECT buyer_id::text AS buyer_id, total::text AS total, priority, status FROM shop."order"`);
        expect(order).toEqual({ buyer_id: "11111111-1111-4111-8111-111111111111", total: "9.9900", priority: 0, status: "placed" });

        upgradedCatalog = await catalogOf(db);
        const row = await writeThroughRuntime(db, await tableOf(evolved, "shop", "order"), ORDER_STATE);
        expect(row).toMatchObject({ buyer_id: ORDER_STATE.buyerId, status: "shipped", total: "12.3400", priority: 2.5, tags: ["gift"], _version: 1 });
      } finally {
        await upgraded.done();
      }

      // Fresh: one migration generated from v3 alone.
      const direct = project(evolutionSpecs("v3"));
      await mustMigrate(direct, "init");
      const fresh = await backend.fresh();
      try {
        await up(fresh.target, direct);
        const freshCatalog = await catalogOf(fresh.target.db);
        for (const part of Object.keys(freshCatalog)) expect(upgradedCatalog[part], `${part} of the upgraded database`).toEqual(freshCatalog[part]);
        expect((freshCatalog.relations ?? []).length).toBeGreaterThan(10);
        const row = await writeThroughRuntime(fresh.target.db, await tableOf(direct, "billing", "payment-method"), { kind: "iban", holder: "Ada" });
        expect(row).toMatchObject({ kind: "iban", holder: "Ada", last_used: null });
        // The enum CHECK is there: the runtime cannot write a value outside it.
        await expect(writeThroughRuntime(fresh.target.db, await tableOf(direct, "billing", "payment-method"), { kind: "cash", holder: "Ada" })).rejects.toThrow(
          /payment_method_kind_check/,
        );
      } finally {
        await fresh.done();
      }
    });

    test("every kind of change gives the same catalog as a fresh database (renames, swaps, widening, allowed drops)", async () => {
      for (const [label, before, after] of CHANGES) {
        const host = project(before);
        await mustMigrate(host, "init");
        const upgraded = await backend.fresh();
        let upgradedCatalog;
        try {
          await up(upgraded.target, host);
          if (label === "swap")
            await upgraded.target.db.exec(
              `INSERT INTO shop.item (_tenant, _id, _version, _created, _updated, a, b) VALUES ('t', gen_random_uuid(), 1, now(), now(), 'x', 5)`,
            );
          setSpecs(host, after);
          await mustMigrate(host, "change", true);
          await up(upgraded.target, host);
          upgradedCatalog = await catalogOf(upgraded.target.db);
          if (label === "swap") expect(await upgraded.target.db.query("SELECT a::int AS a, b FROM shop.item")).toEqual([{ a: 5, b: "x" }]);
        } finally {
          await upgraded.done();
        }
        const direct = project(after);
        await mustMigrate(direct, "init");
        const fresh = await backend.fresh();
        try {
          await up(fresh.target, direct);
          const freshCatalog = await catalogOf(fresh.target.db);
          for (const part of Object.keys(freshCatalog)) expect(upgradedCatalog[part], `${label}: ${part} of the upgraded database`).toEqual(freshCatalog[part]);
        } finally {
          await fresh.done();
        }
      }
    });

    test("an applied migration that was edited is refused, naming the file; status marks it EDITED", async () => {
      const host = await evolvedProject();
      const { target, done } = await backend.fresh();
      try {
        await up(target, host);
        const path = "/project/migrations/0002_v2.sql";
        host.files.set(path, new TextEncoder().encode(`${host.text(path)}\n-- a harmless-looking edit\n`));
        const refused = await migrateUp(target, await migrationFiles(host), "migrations");
        expect(lines(refused.diagnostics)).toEqual(["migrations/0002_v2.sql:1:1 error applied-migration-edited"]);
        expect(refused.diagnostics[0]?.message).toMatch(/^migrations\/0002_v2\.sql was applied to this database \(on \d{4}-.*\) and has been edited since/);
        const status = await migrationStatus(target, await migrationFiles(host), "migrations");
        expect(status.entries.map((e) => `${e.state} ${e.name}`)).toEqual(["applied 0001_init.sql", "edited 0002_v2.sql", "applied 0003_v3.sql"]);

        // CRLF line endings (a Windows checkout) are not an edit.
        host.files.set(path, new TextEncoder().encode((host.text(path) ?? "").replace("\n-- a harmless-looking edit\n", "").replace(/\n/g, "\r\n")));
        expect((await migrateUp(target, await migrationFiles(host), "migrations")).diagnostics).toEqual([]);
      } finally {
        await done();
      }
    });

    test("an applied migration that was deleted, and a pending one numbered before an applied one, are refused", async () => {
      const host = await evolvedProject();
      const { target, done } = await backend.fresh();
      try {
        await up(target, host);
        const files = await migrationFiles(host);
        const withoutSecond = files.filter((f) => f.id !== 2);
        const missing = await migrateUp(target, withoutSecond, "migrations");
        expect(lines(missing.diagnostics)).toEqual(["migrations:1:1 error applied-migration-missing"]);
        expect(missing.diagnostics[0]?.message).toContain("0002_v2.sql was applied to this database but is not in the migrations folder");

        await target.db.exec("DELETE FROM public.fluvius_migrations WHERE id = 2");
        const outOfOrder = await migrateUp(target, files, "migrations");
        expect(lines(outOfOrder.diagnostics)).toEqual(["migrations/0002_v2.sql:1:1 error migration-out-of-order"]);
        expect(outOfOrder.applied).toEqual([]);
      } finally {
        await done();
      }
    });

    test("a failing migration is rolled back entirely and reported at its statement; earlier ones stay", async () => {
      const host = project(evolutionSpecs("v1"));
      await mustMigrate(host, "init");
      host.files.set(
        "/project/migrations/0002_backfill.sql",
        new TextEncoder().encode("-- hand-written\nCREATE TABLE shop.audit (x int);\n\nINSERT INTO shop.customer (name) VALUES ('no tenant');\n"),
      );
      const { target, done } = await backend.fresh();
      try {
        const result = await migrateUp(target, await migrationFiles(host), "migrations");
        expect(result.applied.map((f) => f.name)).toEqual(["0001_init.sql"]);
        expect(lines(result.diagnostics)).toEqual(["migrations/0002_backfill.sql:4:1 error migration-failed"]);
        expect(result.diagnostics[0]?.message).toMatch(/^Applying 0002_backfill\.sql failed: null value in column "_tenant"/);
        const [audit] = await target.db.query<{ present: boolean }>("SELECT to_regclass('shop.audit') IS NOT NULL AS present");
        expect(audit?.present, "the first statement of the failed migration was rolled back").toBe(false);
        const recorded = await target.db.query<{ name: string }>("SELECT name FROM public.fluvius_migrations ORDER BY id");
        expect(recorded.map((r) => r.name)).toEqual(["0001_init.sql"]);
      } finally {
        await done();
      }
    });

    test("a database whose system tables the runtime created (ensureSchema) is refused at 0001 with a way out", async () => {
      const host = project(evolutionSpecs("v1"));
      await mustMigrate(host, "init");
      const { target, done } = await backend.fresh();
      try {
        await applySystemSchema(target.db);
        const result = await migrateUp(target, await migrationFiles(host), "migrations");
        const line = (host.text("migrations/0001_init.sql") ?? "").split("\n").indexOf("CREATE SCHEMA fluvius;") + 1;
        expect(lines(result.diagnostics)).toEqual([`migrations/0001_init.sql:${line}:1 error migration-failed`]);
        expect(result.diagnostics[0]?.message).toBe('Applying 0001_init.sql failed: schema "fluvius" already exists');
        expect(result.diagnostics[0]?.hint).toContain("by the runtime's ensureSchema");
      } finally {
        await done();
      }
    });

    test("a unique constraint over rows that share a value is refused at migrate up, listing them; it applies once they differ", async () => {
      const host = project(shop("sku: string\nname: string"));
      await mustMigrate(host, "init");
      const { target, done } = await backend.fresh();
      try {
        await up(target, host);
        const db = target.db;
        const row = (tenant: string, id: string, sku: string) =>
          `INSERT INTO shop.item (_tenant, _id, _version, _created, _updated, sku, name) VALUES ('${tenant}', '${id}', 1, now(), now(), '${sku.replace(/'/g, "''")}', 'x');`;
        await db.exec(
          row("t1", "11111111-1111-4111-8111-111111111111", "A") +
            row("t1", "22222222-2222-4222-8222-222222222222", "A") +
            row("t1", "33333333-3333-4333-8333-333333333333", "B") +
            row("t2", "44444444-4444-4444-8444-444444444444", "B") + // another tenant: no duplicate
            row("t2", "55555555-5555-4555-8555-555555555555", "O'Brien") +
            row("t2", "66666666-6666-4666-8666-666666666666", "O'Brien"),
        );
        setSpecs(host, shop("sku: { type: string, unique: true }\nname: string"));
        const plan = await mustMigrate(host, "unique sku");
        expect(plan.migration.content).toContain('CREATE UNIQUE INDEX "item__tenant_sku_key" ON "shop"."item" ("_tenant", "sku");');

        const refused = await migrateUp(target, await migrationFiles(host), "migrations");
        expect(refused.applied).toEqual([]);
        expect(lines(refused.diagnostics)).toEqual([expect.stringMatching(/^migrations\/0002_unique_sku\.sql:\d+:1 error unique-over-duplicates$/)]);
        expect(refused.diagnostics[0]?.message).toBe(
          "Applying 0002_unique_sku.sql failed: shop.item: cannot add unique (sku): 2 value(s) are held by more than one stream:\n" +
            "  - tenant 't1': sku = 'A' in streams 11111111-1111-4111-8111-111111111111, 22222222-2222-4222-8222-222222222222\n" +
            "  - tenant 't2': sku = 'O''Brien' in streams 55555555-5555-4555-8555-555555555555, 66666666-6666-4666-8666-666666666666",
        );
        expect(await db.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'shop' AND indexname = 'item__tenant_sku_key'")).toEqual([]);

        await db.exec(
          "UPDATE shop.item SET sku = 'A2' WHERE _id = '22222222-2222-4222-8222-222222222222'; UPDATE shop.item SET sku = 'O2' WHERE _id = '66666666-6666-4666-8666-666666666666';",
        );
        expect((await up(target, host)).applied.map((f) => f.name)).toEqual(["0002_unique_sku.sql"]);
        await expect(db.exec(row("t1", "77777777-7777-4777-8777-777777777777", "A"))).rejects.toThrow(/item__tenant_sku_key/);
      } finally {
        await done();
      }
    });

    test("no spec can inject SQL: hostile defaults end up as data, names are quoted", async () => {
      // Enum values and names are restricted by the schema; string and json defaults are free text.
      const hostile = `x'); DROP TABLE fluvius.events; --`;
      const spec = `domain: evil
aggregates:
  select:
    state:
      mood: { enum: [ok, "a.b-c"], default: "a.b-c" }
      note: { type: string, default: ${JSON.stringify(hostile)} }
      odd: { type: text, default: "it's \\\\ 'quoted'\\n-- not a comment\\n*/ $$ $x$" }
      data: { type: json, default: { "k'); DROP SCHEMA evil; --": "v\\\\" } }
`;
      const host = project({ "evil.yaml": spec });
      const plan = await mustMigrate(host, "init");
      const { target, done } = await backend.fresh();
      try {
        await up(target, host);
        const [events] = await target.db.query<{ present: boolean }>("SELECT to_regclass('fluvius.events') IS NOT NULL AS present");
        expect(events?.present).toBe(true);
        await target.db.exec(`INSERT INTO evil."select" (_tenant, _id, _version, _created, _updated) VALUES ('t', gen_random_uuid(), 1, now(), now())`);
        const [row] = await target.db.query(`SELECT mood, note, odd, data FROM evil."select"`);
        expect(row, plan.migration.content).toEqual({
          mood: "a.b-c",
          note: hostile,
          odd: "it's \\ 'quoted'\n-- not a comment\n*/ $$ $x$",
          data: { "k'); DROP SCHEMA evil; --": "v\\" },
        });
        await expect(
          target.db.exec(`INSERT INTO evil."select" (_tenant, _id, _version, _created, _updated, mood) VALUES ('t', gen_random_uuid(), 1, now(), now(), 'x')`),
        ).rejects.toThrow(/select_mood_check/);
      } finally {
        await done();
      }
    });
  });
}
