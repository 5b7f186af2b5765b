import { describe, expect, test } from "vitest";
import { readModelTable } from "../../src/emit/sql/index.js";
import { systemSchemaSql } from "@fluvius/runtime/internal/runtime/store/schema";
import { typeConversion } from "../../src/migrate/diff.js";
import { compiled, lines, migrateNew, mustMigrate, project, setSpecs } from "./helpers/project.js";

/** A one-aggregate domain `shop` whose `item` has the given state (YAML lines, indented 6). */
function spec(state: string, rest = ""): Record<string, string> {
  return {
    "shop.yaml": `domain: shop
types:
  Money: { type: decimal, scale: 2 }
aggregates:
  item:
    state:
${state
  .trim()
  .split("\n")
  .map((l) => `      ${l.trim()}`)
  .join("\n")}
${rest}`,
  };
}

/** Plans the migration from `before` to `after` (the first migration is generated from `before`). */
async function change(before: string, after: string, allowDestructive = false) {
  const host = project(spec(before));
  await mustMigrate(host, "init");
  setSpecs(host, spec(after));
  return { plan: await migrateNew(host, "next", allowDestructive), host };
}

async function statementsOf(before: string, after: string, allowDestructive = false): Promise<string[]> {
  const { plan } = await change(before, after, allowDestructive);
  if (plan.status !== "ready") throw new Error(`expected a migration, got ${plan.status}: ${plan.diagnostics.map((d) => d.message).join("; ")}`);
  return plan.changes.flatMap((c) => c.statements);
}

async function refusal(before: string, after: string) {
  const { plan } = await change(before, after);
  expect(plan.status).toBe("refused");
  return plan.diagnostics.map((d) => d.message);
}

describe("the read-model table of an aggregate", () => {
  test("maps every spec type to its column type, with defaults, CHECKs, primary key and indexes", async () => {
    const host = project(
      spec(`
        title: string
        body: text?
        contact: email?
        site: url?
        count: { type: integer, default: 0 }
        ratio: number?
        price: { type: Money, default: "0.00" }
        exact: decimal?
        active: { type: boolean, default: true }
        token: uuid?
        owner: { ref: item }
        born: date?
        seen: datetime?
        extra: json?
        status: { enum: [new, done], default: new }
        address: { fields: { line1: string } }
        tags: string[]
      `),
    );
    const plan = await mustMigrate(host, "init");
    expect(plan.migration.content.indexOf(systemSchemaSql.trimEnd()), "the system schema, verbatim, comes first").toBeGreaterThan(0);
    const create = plan.migration.content.slice(plan.migration.content.indexOf('CREATE TABLE "shop"."item"'));
    expect(create).toBe(`CREATE TABLE "shop"."item" (
  "_tenant" text NOT NULL,
  "_id" uuid NOT NULL,
  "_version" integer NOT NULL,
  "_created" timestamp with time zone NOT NULL,
  "_updated" timestamp with time zone NOT NULL,
  "_creator" text,
  "_updater" text,
  "title" text,                                  -- string
  "body" text,                                   -- text?
  "contact" text,                                -- email?
  "site" text,                                   -- url?
  "count" bigint NOT NULL DEFAULT 0,             -- integer
  "ratio" double precision,                      -- number?
  "price" numeric(1000,2) NOT NULL DEFAULT 0.00, -- Money (decimal, scale 2)
  "exact" numeric,                               -- decimal?
  "active" boolean NOT NULL DEFAULT true,        -- boolean
  "token" uuid,                                  -- uuid?
  "owner" uuid,                                  -- ref item
  "born" date,                                   -- date?
  "seen" timestamp with time zone,               -- datetime?
  "extra" jsonb,                                 -- json?
  "status" text NOT NULL DEFAULT 'new',          -- enum
  "address" jsonb,                               -- object
  "tags" jsonb,                                  -- string[]
  CONSTRAINT "item_pkey" PRIMARY KEY ("_tenant", "_id"),
  CONSTRAINT "item_status_check" CHECK ("status" IN ('new', 'done'))
);
CREATE INDEX "item__tenant__created__id_idx" ON "shop"."item" ("_tenant", "_created", "_id");
CREATE INDEX "item__tenant_owner_idx" ON "shop"."item" ("_tenant", "owner");
CREATE INDEX "item_search_idx" ON "shop"."item" USING gin (to_tsvector('simple'::regconfig, coalesce("title", '') || ' ' || coalesce("body", '') || ' ' || coalesce("contact", '') || ' ' || coalesce("site", '') || ' ' || coalesce("status", '')));
`);
  });

  test("a column is NOT NULL only for a required field with a default (a new stream may not have set the others)", async () => {
    const { model } = await compiled(project(spec("a: string\nb: string?\nc: { type: string, default: x }\nd: { type: string, optional: true, default: x }")));
    const table = readModelTable(model.domains[0]!, model.domains[0]!.aggregates[0]!);
    expect(table.columns.map((c) => `${c.column} ${c.nullable ? "NULL" : "NOT NULL"}`)).toEqual(["a NULL", "b NULL", "c NOT NULL", "d NULL"]);
  });

  test("indexes what list queries filter by: refs, and fields a read-granting rule compares with the actor", async () => {
    const rules = `policies:
  roles: { owner: {}, clerk: {}, robot: {} }
  rules:
    - { role: owner, allow: ["item:read"], where: { ownerId: $actor.id, region: $actor.claims.region, kind: basic } }
    - { role: robot, allow: ["item:close"], where: { auditor: $actor.id } }
    - { role: clerk, allow: ["*"] }
`;
    const { model } = await compiled(
      project(
        spec(
          "ownerId: uuid\nregion: string\nkind: { enum: [basic, pro] }\nauditor: uuid\nparent: { ref: item }\nopen: boolean",
          `    actions:\n      close: { emits: closed }\n    events:\n      closed: { apply: { set: { open: false } } }\n${rules}`,
        ),
      ),
    );
    const table = readModelTable(model.domains[0]!, model.domains[0]!.aggregates[0]!);
    expect(table.indexes.map((i) => `${i.name} (${i.columns.join(", ")})`)).toEqual([
      "item__tenant__created__id_idx (_tenant, _created, _id)",
      "item__tenant_owner_id_idx (_tenant, owner_id)",
      "item__tenant_parent_idx (_tenant, parent)",
      "item__tenant_region_idx (_tenant, region)",
      "item_search_idx (region, kind)",
    ]);
  });
});

describe("migrate new: what a spec change becomes", () => {
  test("no change: nothing is written", async () => {
    const { plan, host } = await change("a: string", "a: string\n# a comment only");
    expect(plan.status).toBe("unchanged");
    expect([...host.files.keys()].filter((p) => p.includes("/migrations/")).sort()).toEqual([
      "/project/migrations/0001_init.sql",
      "/project/migrations/meta/0001_snapshot.json",
    ]);
  });

  test("changes that need no SQL (string → email, a description, field order) are no change", async () => {
    const { plan } = await change("a: string\nb: integer", "b: { type: integer, description: The b }\na: email");
    expect(plan.status).toBe("unchanged");
  });

  test("a new field becomes a column with its default", async () => {
    expect(await statementsOf("a: string", "a: string\nn: { type: integer, default: 5 }\no: date?")).toEqual([
      'ALTER TABLE "shop"."item" ADD COLUMN "n" bigint NOT NULL DEFAULT 5;',
      'ALTER TABLE "shop"."item" ADD COLUMN "o" date;',
    ]);
  });

  test("a new enum value replaces the CHECK and is not destructive", async () => {
    expect(await statementsOf("s: { enum: [a, b] }", "s: { enum: [a, b, c] }")).toEqual([
      'ALTER TABLE "shop"."item" DROP CONSTRAINT "item_s_check";',
      `ALTER TABLE "shop"."item" ADD CONSTRAINT "item_s_check" CHECK ("s" IN ('a', 'b', 'c'));`,
    ]);
  });

  test("renamedFrom renames the column; its CHECK and index follow the new name", async () => {
    const rules = 'policies:\n  roles: { r: {} }\n  rules:\n    - { role: r, allow: ["*"] }\n';
    const before = project(spec("kind: { enum: [a, b] }\nowner: { ref: item }", rules));
    await mustMigrate(before, "init");
    setSpecs(before, spec("sort: { enum: [a, b], renamedFrom: kind }\nholder: { ref: item, renamedFrom: owner }", rules));
    const plan = await mustMigrate(before, "rename");
    expect(plan.changes.map((c) => c.summary)).toEqual([
      "shop.item: rename column kind to sort (sort renamedFrom kind)",
      "shop.item: rename column owner to holder (holder renamedFrom owner)",
      "shop.item: rename index item__tenant_owner_idx to item__tenant_holder_idx",
      "shop.item: sort: CHECK renamed to item_sort_check",
    ]);
    expect(plan.changes.every((c) => c.loss === undefined)).toBe(true);
  });

  test("two fields that swap names go through a temporary name", async () => {
    expect(await statementsOf("a: string\nb: string", "a: { type: string, renamedFrom: b }\nb: { type: string, renamedFrom: a }")).toEqual([
      'ALTER TABLE "shop"."item" RENAME COLUMN "b" TO "_fluvius_rename_b";',
      'ALTER TABLE "shop"."item" RENAME COLUMN "a" TO "b";',
      'ALTER TABLE "shop"."item" RENAME COLUMN "_fluvius_rename_b" TO "a";',
      // The text search index follows the state's order, so it is built again.
      'DROP INDEX "shop"."item_search_idx";',
      `CREATE INDEX "item_search_idx" ON "shop"."item" USING gin (to_tsvector('simple'::regconfig, coalesce("a", '') || ' ' || coalesce("b", '')));`,
    ]);
  });

  test("widening is allowed: larger scale, integer → number or decimal, uuid → string, required → optional, enum → string, scalar → json", async () => {
    const statements = await statementsOf(
      "p: Money\ni: integer\nj: integer\nu: uuid\nr: { type: string, default: x }\ne: { enum: [a] }\ns: string",
      "p: { type: decimal, scale: 4 }\ni: number\nj: decimal\nu: string\nr: string?\ne: string\ns: json",
    );
    expect(statements).toEqual([
      // s (now json) leaves the text search index and u (now a string) joins it: dropped before the columns change, built after.
      'DROP INDEX "shop"."item_search_idx";',
      'ALTER TABLE "shop"."item" ALTER COLUMN "p" TYPE numeric(1000,4) USING "p"::numeric(1000,4);',
      'ALTER TABLE "shop"."item" ALTER COLUMN "i" TYPE double precision USING "i"::double precision;',
      'ALTER TABLE "shop"."item" ALTER COLUMN "j" TYPE numeric USING "j"::numeric;',
      'ALTER TABLE "shop"."item" ALTER COLUMN "u" TYPE text USING "u"::text;',
      'ALTER TABLE "shop"."item" ALTER COLUMN "r" DROP DEFAULT;',
      'ALTER TABLE "shop"."item" ALTER COLUMN "r" DROP NOT NULL;',
      'ALTER TABLE "shop"."item" DROP CONSTRAINT "item_e_check";',
      'ALTER TABLE "shop"."item" ALTER COLUMN "s" TYPE jsonb USING to_jsonb("s");',
      `CREATE INDEX "item_search_idx" ON "shop"."item" USING gin (to_tsvector('simple'::regconfig, coalesce("u", '') || ' ' || coalesce("r", '') || ' ' || coalesce("e", '')));`,
    ]);
  });

  test("a required field that gets a default becomes NOT NULL, filling the rows that never had a value", async () => {
    expect(await statementsOf("n: integer", "n: { type: integer, default: 1 }")).toEqual([
      'ALTER TABLE "shop"."item" ALTER COLUMN "n" SET DEFAULT 1;',
      'UPDATE "shop"."item" SET "n" = 1 WHERE "n" IS NULL;',
      'ALTER TABLE "shop"."item" ALTER COLUMN "n" SET NOT NULL;',
    ]);
  });

  test("destructive changes are refused, saying what would be lost", async () => {
    expect(await refusal("a: string\nb: string", "a: string")).toEqual([
      "Destructive change refused: shop.item: drop column b (field 'b' is no longer in the state). It would lose column shop.item.b and its value in every row.",
    ]);
    expect(await refusal("s: { enum: [a, b] }", "s: { enum: [a] }")).toEqual([
      "Destructive change refused: shop.item: s: enum values removed: 'b'. It would lose the enum values 'b' of shop.item.s (rows still holding them make the migration fail until they are updated).",
    ]);
    expect(await refusal("p: { type: decimal, scale: 4 }", "p: Money")).toEqual([
      'Destructive change refused: shop.item: p: type numeric(1000,4) → numeric(1000,2). It would lose values of "p" rounded from 4 to 2 decimal places.',
    ]);
    expect(await refusal("t: string", "t: integer")).toEqual([
      'Destructive change refused: shop.item: t: type text → bigint. It would lose values of "t" converted from text to bigint: a value that does not convert makes the migration fail, others may change.',
    ]);
    expect(await refusal("t: string", "t: { enum: [a] }")).toEqual([
      "Destructive change refused: shop.item: t: only the values 'a'. It would lose every other value of shop.item.t (rows holding one make the migration fail until they are updated).",
    ]);
    expect(await refusal("o: string?", "o: { type: string, default: x }")).toEqual([
      "Destructive change refused: shop.item: o: default 'x'; NOT NULL (empty values get the default). It would lose rows where optional field 'o' is unset (NULL) would get the default 'x'.",
    ]);
    for (const [from, to] of [
      ["number", "integer"],
      ["number", "decimal"],
      ["decimal", "Money"],
      ["date", "datetime"],
      ["json", "string"],
      ["string", "uuid"],
    ]) {
      const messages = await refusal(`x: ${from}`, `x: ${to}`);
      expect(messages, `${from} → ${to}`).toHaveLength(1);
    }
  });

  test("dropping a table is destructive; a dropped field's diagnostic suggests renamedFrom", async () => {
    const host = project({ ...spec("a: string\nold: string"), "more.yaml": "domain: more\naggregates:\n  thing:\n    state: { x: string }\n" });
    await mustMigrate(host, "init");
    setSpecs(host, spec("a: string\nfresh: string"));
    const plan = await migrateNew(host, "next");
    expect(plan.status).toBe("refused");
    expect(lines(plan.diagnostics)).toEqual([
      "domains/shop.yaml:6:5 error destructive-change",
      "migrations/meta/0001_snapshot.json:1:1 error destructive-change",
    ]);
    expect(plan.diagnostics[0]?.hint).toContain("If 'old' was renamed, add `renamedFrom: old` to the new field ('fresh') instead.");
    expect(plan.diagnostics[1]?.message).toContain("table more.thing and every row in it");
  });

  test("--allow-destructive writes them, each marked DESTRUCTIVE in the file", async () => {
    const { plan } = await change("a: string\nb: string", "a: string", true);
    expect(plan.status).toBe("ready");
    if (plan.status !== "ready") return;
    expect(plan.migration.content).toContain(
      `-- shop.item: drop column b (field 'b' is no longer in the state)
-- DESTRUCTIVE (--allow-destructive): loses column shop.item.b and its value in every row
ALTER TABLE "shop"."item" DROP COLUMN "b";`,
    );
  });

  test("type conversions: USING casts, from and to jsonb", () => {
    expect(typeConversion("jsonb", "text", '"x"')).toMatchObject({ using: `("x" #>> '{}')::text` });
    expect(typeConversion("text", "jsonb", '"x"')).toEqual({ using: 'to_jsonb("x")' });
    expect(typeConversion("numeric(1000,2)", "numeric", '"x"')).toEqual({ using: '"x"::numeric' });
    expect(typeConversion("numeric", "numeric(1000,2)", '"x"').loss).toBe('values of "x" rounded to 2 decimal places');
  });
});

describe("names PostgreSQL cannot take are refused before any SQL is written", () => {
  test("too long, reserved schemas, system columns, clashing relation names", async () => {
    const long = "aB".repeat(24); // 48 characters, the longest field name; snake_case makes it 72
    const host = project({
      "pg.yaml": "domain: pg-temp\naggregates:\n  thing:\n    state: { x: string }\n",
      "shop.yaml": `domain: shop\naggregates:\n  item:\n    state:\n      xmin: string\n      ${long}: string\n  item-pkey:\n    state: { x: string }\n`,
    });
    const plan = await migrateNew(host, "init");
    expect(plan.status).toBe("invalid");
    expect(plan.diagnostics.map((d) => `${lines([d])[0]}: ${d.message}`)).toEqual([
      "domains/pg.yaml:1:9 error invalid-sql-name: The schema name 'pg_temp' cannot be used in PostgreSQL: PostgreSQL reserves schema names starting with 'pg_'.",
      "domains/shop.yaml:5:7 error invalid-sql-name: The column name 'xmin' cannot be used in PostgreSQL: PostgreSQL has a system column of that name in every table.",
      `domains/shop.yaml:6:7 error invalid-sql-name: The column name 'a_${"ba_".repeat(23)}b' cannot be used in PostgreSQL: it is 72 characters long; PostgreSQL keeps only 63.`,
      "domains/shop.yaml:7:3 error sql-name-collision: the table of aggregate 'item-pkey' and the primary key of 'item' would both be named 'item_pkey' in schema shop.",
    ]);
    expect([...host.files.keys()].some((p) => p.includes("/migrations/"))).toBe(false);
  });
});
