/**
 * `text=` is PostgreSQL full-text search over a row's text and enum fields, on PGlite and
 * PostgreSQL: every word typed must start a word of the row, in any field, any case; the
 * filter language's `has` still finds substrings; the migrations' GIN index serves it.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { searchVectorSql } from "@fluvius/runtime/internal/runtime/store/search-sql";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { type BankingApp, startApp } from "./banking-app.js";

const SPEC = `domain: shop
aggregates:
  product:
    state: { name: string, description: text?, color: { enum: [red, blue, green] }, price: integer }
    actions:
      add: { creates: true, payload: { name: string, description: text?, color: { enum: [red, blue, green] }, price: integer }, emits: product-added }
    events:
      product-added:
        payload: { name: string, description: text?, color: { enum: [red, blue, green] }, price: integer }
        apply: { set: { name: $payload.name, description: $payload.description, color: $payload.color, price: $payload.price } }
policies:
  roles: { clerk: {} }
  rules: [{ role: clerk, allow: ["product:*"] }]
`;
const project = buildProjectFromSpecs("text-search", { "shop.yaml": SPEC });

describe.each(["pglite", "postgres"] as const)("text search on %s", (backend) => {
  let api: BankingApp;
  beforeAll(async () => {
    api = await startApp(backend, project);
    const token = await api.token("clerk-1", "acme", ["clerk"]);
    for (const p of [
      { name: "Blue mug", description: "Stoneware, 30 cl", color: "blue", price: 12 },
      { name: "Red mug", color: "red", price: 11 },
      { name: "Teapot", description: "For a mugful of green tea", color: "green", price: 40 },
      { name: "Smugglers' map", color: "red", price: 5 },
    ]) {
      const r = await api.app.inject({ method: "POST", url: "/api/shop:add/product/:new", headers: { authorization: `Bearer ${token}` }, payload: p });
      expect(r.statusCode, r.body).toBe(200);
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  const names = async (query: string) => {
    const token = await api.token("clerk-1", "acme", ["clerk"]);
    const r = await api.app.inject({ method: "GET", url: `/api/shop.product/?${query}&sort=name.asc`, headers: { authorization: `Bearer ${token}` } });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as { data: { name: string }[] }).data.map((p) => p.name);
  };

  test("every word must start a word of some text or enum field, in any case", async () => {
    expect(await names("text=mug")).toEqual(["Blue mug", "Red mug", "Teapot"]); // "mugful" starts with mug; "Smugglers" does not
    expect(await names("text=MUG%20blu")).toEqual(["Blue mug"]);
    expect(await names("text=red")).toEqual(["Red mug", "Smugglers' map"]); // the enum counts
    expect(await names("text=stone")).toEqual(["Blue mug"]);
    expect(await names(`text=${encodeURIComponent("green & (tea | !):*")}`)).toEqual(["Teapot"]); // no tsquery syntax gets through
    expect(await names(`text=${encodeURIComponent("!!")}`)).toEqual([]);
  });

  test("`has` still finds a substring inside a word", async () => {
    expect(await names(`query=${encodeURIComponent(JSON.stringify({ "name.has": "mug" }))}`)).toEqual(["Blue mug", "Red mug", "Smugglers' map"]);
  });

  // The list query's own expression (packages/runtime/src/runtime/store/search-sql.ts) matches the index's: without a cheaper index, the planner takes it.
  test("the migrations' GIN index on the same expression serves it", async () => {
    const [index] = await api.db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE schemaname = 'shop' AND indexname = 'product_search_idx'");
    expect(index?.indexdef).toContain("USING gin");
    const plan = await api.db.transaction(async (sql) => {
      await sql.query("SET LOCAL enable_seqscan = off");
      const rows = await sql.query<{ "QUERY PLAN": string }>(
        `EXPLAIN SELECT 1 FROM "shop"."product" WHERE ${searchVectorSql(["name", "description", "color"])} @@ to_tsquery('simple'::regconfig, 'mug:*')`,
      );
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("product_search_idx");
  });
});
