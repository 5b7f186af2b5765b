/**
 * `sort=` on every field kind of the language, ascending and descending, on PGlite and on
 * the PostgreSQL server: values order by their kind (numbers and decimals numerically,
 * never as text), NULLs (unset optional fields) last in both directions, ties by `_id` in the sort's direction.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BankingApp } from "./banking-app.js";
import { call, type Json, startKindsApp } from "./kinds-app.js";

const things: Json[] = [
  {
    name: "alpha",
    note: "zeta",
    count: 10,
    ratio: 2.5,
    balance: "100.00",
    flag: true,
    ref: "30000000-0000-4000-8000-000000000000",
    day: "2024-03-01",
    at: "2024-03-01T10:00:00Z",
    mail: "m@x.io",
    link: "https://b.example/",
    colour: "green",
  },
  {
    name: "bravo",
    note: "eta",
    count: 9,
    ratio: -1,
    balance: "40.00",
    flag: false,
    ref: "10000000-0000-4000-8000-000000000000",
    day: "2023-12-31",
    at: "2024-03-01T09:00:00-02:00",
    mail: "b@x.io",
    link: "https://c.example/",
    colour: "red",
  },
  {
    name: "charlie",
    count: 100,
    ratio: 10,
    balance: "0.00",
    ref: "a0000000-0000-4000-8000-000000000000",
    day: "2024-10-02",
    at: "2023-01-01T00:00:00Z",
    mail: "z@x.io",
    link: "https://a.example/",
    colour: "blue",
  },
  { name: "delta", balance: "5.50" },
];

/** The order a user expects for each kind (an oracle independent of the SQL). */
const compareByKind: Record<string, (a: unknown, b: unknown) => number> = {
  string: (a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0),
  number: (a, b) => Number(a) - Number(b),
  boolean: (a, b) => Number(a) - Number(b),
  datetime: (a, b) => Date.parse(String(a)) - Date.parse(String(b)),
};
const kindOf: Record<string, keyof typeof compareByKind> = {
  name: "string",
  note: "string",
  mail: "string",
  link: "string",
  colour: "string",
  ref: "string",
  day: "string",
  count: "number",
  ratio: "number",
  balance: "number",
  _version: "number",
  flag: "boolean",
  at: "datetime",
  _created: "datetime",
  _updated: "datetime",
  _id: "string",
};

function expectedOrder(rows: readonly Json[], field: string, direction: "asc" | "desc"): string[] {
  const compare = compareByKind[kindOf[field] ?? "string"]!;
  return [...rows]
    .sort((a, b) => {
      const x = a[field];
      const y = b[field];
      if (x === undefined || y === undefined) {
        if (x !== y) return x === undefined ? 1 : -1; // NULLs last, whatever the direction
      } else {
        const c = compare(x, y);
        if (c !== 0) return direction === "asc" ? c : -c;
      }
      // Ties by `_id`, in the direction of the (last) sort key: an index on (field, _id) reads the page as it is.
      return (String(a._id) < String(b._id) ? -1 : 1) * (direction === "asc" ? 1 : -1);
    })
    .map((r) => String(r.name));
}

describe.each(["pglite", "postgres"] as const)("sorting lists on %s", (backend) => {
  let api: BankingApp;
  let admin: string;
  let rows: Json[] = [];

  beforeAll(async () => {
    api = await startKindsApp(backend);
    admin = await api.token("admin-1", `t-${randomUUID().slice(0, 8)}`, ["admin"]);
    for (const thing of things) {
      const made = await call(api, "POST", "/api/kinds:make/thing/:new", admin, { tags: [], owners: [], ...thing });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
    }
    const first = await call(api, "GET", "/api/kinds.thing/?sort=name.asc", admin);
    const alpha = (first.body.data as Json[])[0]!;
    expect((await call(api, "POST", `/api/kinds:touch/thing/${String(alpha._id)}`, admin, { note: "zeta" })).status).toBe(200);
    rows = (await call(api, "GET", "/api/kinds.thing/?limit=100", admin)).body.data as Json[];
    expect(rows).toHaveLength(things.length);
  }, 120_000);
  afterAll(async () => api?.close());

  const fields = Object.keys(kindOf);
  test.each(
    fields.flatMap(
      (f) =>
        [
          [f, "asc"],
          [f, "desc"],
        ] as const,
    ),
  )("sort=%s.%s orders by the field's kind, NULLs last", async (field, direction) => {
    const listed = await call(api, "GET", `/api/kinds.thing/?sort=${field}.${direction}&limit=100`, admin);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect((listed.body.data as Json[]).map((r) => r.name)).toEqual(expectedOrder(rows, field, direction));
  });

  test("sort=balance.desc is numeric: 100.00, 40.00, 5.50, 0.00", async () => {
    const listed = await call(api, "GET", "/api/kinds.thing/?sort=balance.desc", admin);
    expect((listed.body.data as Json[]).map((r) => r.balance)).toEqual(["100.00", "40.00", "5.50", "0.00"]);
  });

  test("a second sort key breaks ties of the first", async () => {
    const listed = await call(api, "GET", "/api/kinds.thing/?sort=flag.desc,balance.asc", admin);
    expect((listed.body.data as Json[]).map((r) => r.name)).toEqual(["alpha", "bravo", "charlie", "delta"]);
  });

  test.each(["tags", "owners"])("an array field (%s) cannot be sorted: 400 with the envelope", async (field) => {
    const listed = await call(api, "GET", `/api/kinds.thing/?sort=${field}.asc`, admin);
    expect(listed.status).toBe(400);
    expect(listed.body).toMatchObject({ errcode: "invalid-query", errdata: { parameter: "sort", sort: `${field}.asc` } });
    expect(typeof listed.body.errmesg).toBe("string");
  });
});
