/**
 * The server driven the way the Fluvius TypeScript client drives it (test/helpers/fluvius-client.ts:
 * rjs-frame's URL building and response handling, rjs-admin's data table and query builder),
 * on PGlite and on the PostgreSQL server: metadata that drives a generic UI, the filter spellings
 * and list values a UI sends, column choice, command metadata and look-ups, Idempotency-Key,
 * `/_meta`, and a server with api.basePath "" behind a proxy that strips /api.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { repoRoot } from "../helpers/fixtures.js";
import { FluviusClient, HTTPError, type Json, searchOf } from "../helpers/fluvius-client.js";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { type BankingApp, startApp } from "./banking-app.js";
import { startKindsApp } from "./kinds-app.js";

/** What rjs-admin renders and formats by: FilterInput / TableFilter input types, TableRow dtypes. */
const CLIENT_INPUTS = ["text", "number", "select", "date", "checkbox", "textarea"];
const CLIENT_DTYPES = ["boolean", "float", "integer", "number", "date", "datetime", "enum", "string", "uuid", "json", "array"];

interface FieldMeta {
  readonly name: string;
  readonly noop: unknown;
  readonly dtype: string;
  readonly ftype: string;
  readonly finput: Input;
}
interface Input {
  readonly type: string;
  readonly options?: readonly { value: string; label: string }[];
}
interface ResourceMeta {
  readonly name: string;
  readonly fields: readonly FieldMeta[];
  readonly filters: Readonly<Record<string, { field: string; label: string; dtype: string; input: Input }>>;
}

const PACKAGE_VERSION = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

function startDeskApp(backend: "pglite" | "postgres"): Promise<BankingApp> {
  const spec = readFileSync(path.join(repoRoot, "test/http/specs/desk/desk.yaml"), "utf8");
  return startApp(backend, buildProjectFromSpecs("desk", { "desk.yaml": spec }, undefined, { "fluvius.yaml": 'api: { basePath: "" }\n' }), { basePath: "" });
}

/** Is `value` (a row's) what the filter `operator` with the UI's `sent` text selects? */
function selects(operator: string, sent: string, value: unknown): boolean {
  const text = Array.isArray(value) ? value.join(",") : String(value);
  return operator === "has" ? text.toLowerCase().includes(sent.toLowerCase()) : text === sent;
}

describe.each(["pglite", "postgres"] as const)("the Fluvius client against fluvius on %s", (backend) => {
  let kinds: BankingApp;
  let desk: BankingApp;
  let client: FluviusClient;
  let deskClient: FluviusClient;
  let token: string;
  let deskToken: string;
  let a: Json;
  let b: Json;

  beforeAll(async () => {
    [kinds, desk] = await Promise.all([startKindsApp(backend), startDeskApp(backend)]);
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    token = await kinds.token("admin-1", tenant, ["admin"]);
    deskToken = await desk.token("clerk-1", tenant, ["clerk"]);
    client = new FluviusClient(kinds.app, "kinds", "/api", () => ({ authorization: `Bearer ${token}` }));
    // api.basePath "": the client's base URL is /api, which the proxy in front of the server strips.
    deskClient = new FluviusClient(
      desk.app,
      "desk",
      "/api",
      () => ({ authorization: `Bearer ${deskToken}` }),
      (url) => url.replace(/^\/api(?=\/)/, ""),
    );
    const make = async (data: Json) => ((await client.send("make", data, { path: { resource: "thing", _id: ":new" } })).data as { thing: Json }).thing;
    a = await make({
      name: "Ada Lovelace",
      note: "the first programmer",
      count: 7,
      ratio: 0.25,
      balance: "12.50",
      flag: true,
      ref: randomUUID(),
      day: "2024-01-31",
      at: "2024-01-31T10:00:00.000Z",
      mail: "ada@example.com",
      link: "https://ada.example",
      colour: "red",
      tags: ["x", "red"],
      owners: [randomUUID()],
    });
    b = await make({
      name: "Grace Hopper",
      note: "compilers",
      count: 3,
      ratio: 1.5,
      balance: "3.00",
      flag: false,
      ref: randomUUID(),
      day: "2023-05-01",
      at: "2023-05-01T08:00:00.000Z",
      mail: "grace@example.org",
      link: "https://grace.example",
      colour: "blue",
      tags: ["y"],
      owners: [randomUUID()],
    });
  }, 240_000);
  afterAll(async () => {
    await kinds?.close();
    await desk?.close();
  });

  const ids = (response: { data: unknown }) => (response.data as Json[]).map((row) => row._id);
  const list = (query: Json, extra: Record<string, string> = {}) => client.query("thing", { search: { query: JSON.stringify(query), ...extra } });
  const refused = async (promise: Promise<unknown>): Promise<HTTPError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HTTPError);
    return error as HTTPError;
  };

  test("resource metadata: every field's noop is an operator with a filter, in inputs and dtypes the client knows", async () => {
    const meta = (await client.queryMeta("thing")).data as ResourceMeta;
    expect(meta.name).toBe("kinds.thing");
    for (const field of meta.fields) {
      expect(typeof field.noop, field.name).toBe("string");
      expect(field.noop, field.name).toBe(["name", "note", "mail", "link", "_creator", "_updater"].includes(field.name) ? "has" : "eq");
      expect(CLIENT_DTYPES, `${field.name}: dtype ${field.dtype}`).toContain(field.dtype);
      const filter = meta.filters[`${field.name}.${field.noop as string}`];
      expect(filter, `${field.name}.${String(field.noop)}`).toBeDefined();
      expect(field.finput).toEqual(filter!.input);
    }
    for (const [key, filter] of Object.entries(meta.filters)) {
      expect(CLIENT_INPUTS, `${key}: input ${filter.input.type}`).toContain(filter.input.type);
      expect(key.startsWith(`${filter.field}.`), key).toBe(true);
      expect(filter.label, key).toMatch(/^[A-Z]/);
    }
    const byName = Object.fromEntries(meta.fields.map((f) => [f.name, f]));
    expect(byName.balance).toMatchObject({ dtype: "number", ftype: "decimal" });
    expect(byName.count).toMatchObject({ dtype: "integer" });
    expect(byName.ref).toMatchObject({ dtype: "uuid" });
    expect(byName.tags).toMatchObject({ dtype: "array" });
    expect(byName.colour).toMatchObject({ dtype: "enum", ftype: "enum" });
    expect(meta.filters["colour.eq"]!.input).toEqual({
      type: "select",
      options: [
        { value: "red", label: "Red" },
        { value: "green", label: "Green" },
        { value: "blue", label: "Blue" },
      ],
    });
    expect(meta.filters["colour.in"]!.input).toMatchObject({ type: "select", multiple: true });
    expect(meta.filters["flag.eq"]!.input.options).toEqual([
      { value: "true", label: "Yes" },
      { value: "false", label: "No" },
    ]);
    expect(meta.filters["day.between"]).toMatchObject({ dtype: "daterange", input: { type: "text" } });
    expect(meta.filters["balance.gte"]).toMatchObject({ label: "Greater or Equals", dtype: "number", input: { type: "number" } });
  });

  test("the data table's filter row: each field's noop filter, sent as its input sends it (text), finds the row", async () => {
    const meta = (await client.queryMeta("thing")).data as ResourceMeta;
    for (const field of meta.fields) {
      const operator = field.noop as string;
      const input = meta.filters[`${field.name}.${operator}`]!.input;
      const value = a[field.name];
      const text = Array.isArray(value) ? value.join(",") : String(value);
      let sent = operator === "has" ? text.slice(1, -1) : text;
      if (input.type === "select") {
        const option = input.options?.find((o) => o.value === text);
        expect(option, `${field.name}: an option for ${text}`).toBeDefined();
        sent = option!.value;
      }
      const found = await list({ [`${field.name}.${operator}`]: sent });
      expect(ids(found), `${field.name}.${operator} = ${JSON.stringify(sent)}`).toContain(a._id);
      for (const row of found.data as Json[]) expect(selects(operator, sent, row[field.name]), `${field.name}: ${JSON.stringify(row[field.name])}`).toBe(true);
    }
  });

  test("the query builder: negation, groups as objects, field. and field!, lists and booleans as strings, text, sort", async () => {
    const one = async (query: Json) => ids(await list(query)).sort();
    const both = [a._id, b._id].sort();
    expect(await one({ "colour!eq": "red" })).toEqual([b._id]);
    expect(await one({ "colour.": "red" })).toEqual([a._id]);
    expect(await one({ "colour!": "red" })).toEqual([b._id]);
    expect(await one({ ".or": { "name.has": "grace", "count.gte": "5" } })).toEqual(both);
    expect(await one({ ".and": { "name.has": "grace", "count.gte": "5" } })).toEqual([]);
    expect(await one({ "!or": [{ "colour.eq": "red" }] })).toEqual([b._id]);
    expect(await one({ "colour.in": "blue" })).toEqual([b._id]);
    expect(await one({ "colour.in": "red, blue" })).toEqual(both);
    expect(await one({ "_id.in": `${String(a._id)},${String(b._id)}` })).toEqual(both);
    expect(await one({ "ref!in": String(a.ref) })).toEqual([b._id]);
    expect(await one({ "day.between": "2024-01-01,2024-12-31" })).toEqual([a._id]);
    expect(await one({ "at.between": "2023-01-01T00:00:00Z, 2023-12-31T00:00:00Z" })).toEqual([b._id]);
    expect(await one({ "tags.ov": "red,zzz" })).toEqual([a._id]);
    expect(await one({ "tags.eq": "x,red" })).toEqual([a._id]);
    expect(await one({ "owners.ov": String((b.owners as string[])[0]) })).toEqual([b._id]);
    expect(await one({ "flag.eq": "false" })).toEqual([b._id]);
    expect(await one({ "flag.ne": "false" })).toEqual([a._id]);
    expect(await one({ "balance.gt": "5", "ratio.lt": "1" })).toEqual([a._id]);
    const state = searchOf({
      query: [
        { type: "field", field: "name", operator: "name.has", value: "" },
        {
          type: "composite",
          operator: ".or",
          children: [
            { type: "field", field: "colour", operator: "colour.eq", value: "red" },
            { type: "field", field: "count", operator: "count.lt", value: "5" },
          ],
        },
      ],
      sort: [{ field: "count", direction: "desc" }],
    });
    const sorted = await client.query("thing", { search: { page: 1, limit: 15, ...state } });
    expect(ids(sorted)).toEqual([a._id, b._id]);
    expect(sorted.pagination).toEqual({ limit: 15, offset: 0, page: 1, total: 2, pages: 1 });
    // URLSearchParams sends a space as "+".
    expect(ids(await client.query("thing", { search: searchOf({ text: "Ada Lovelace" }) }))).toEqual([a._id]);
  });

  test("include / exclude choose the rows' fields; _id always comes; an unknown one is a 400 naming it", async () => {
    const chosen = await client.query("thing", { search: searchOf({ select: ["name", "balance"], sort: [{ field: "name", direction: "asc" }] }) });
    expect((chosen.data as Json[]).map((row) => Object.keys(row))).toEqual([
      ["_id", "name", "balance"],
      ["_id", "name", "balance"],
    ]);
    expect((chosen.data as Json[])[0]).toEqual({ _id: a._id, name: "Ada Lovelace", balance: "12.50" });
    expect(chosen.pagination).toMatchObject({ total: 2 });
    const dropped = await client.query("thing", { search: { exclude: "note,tags,_version" } });
    for (const row of dropped.data as Json[]) {
      expect(row).toHaveProperty("_id");
      expect(row).toHaveProperty("name");
      for (const gone of ["note", "tags", "_version"]) expect(row).not.toHaveProperty(gone);
    }
    const both = await client.query("thing", { search: { include: "_version,count", exclude: "_id,count" } });
    expect((both.data as Json[]).map((row) => Object.keys(row))).toEqual([
      ["_id", "_version"],
      ["_id", "_version"],
    ]);
    const all = await client.query("thing", { search: { include: ",", exclude: "" } });
    expect(Object.keys((all.data as Json[])[0]!)).toEqual(Object.keys(a));
    const error = await refused(client.query("thing", { search: { include: "name,nope" } }));
    expect(error.status).toBe(400);
    expect(error.body).toMatchObject({ errcode: "invalid-query", errmesg: expect.stringContaining("nope"), errdata: { parameter: "include", field: "nope" } });
    expect((await refused(client.query("thing", { search: { exclude: "__proto__" } }))).body).toMatchObject({ errdata: { parameter: "exclude" } });
  });

  test("values a UI may send that still cannot be read are 400 envelopes naming the filter", async () => {
    for (const [query, expected] of [
      [{ "colour.in": "" }, "a non-empty list"],
      [{ "colour.in": " , " }, "a non-empty list"],
      [{ "day.between": "2024-01-01" }, "two values"],
      [{ "day.between": "2024-01-01,2024-02-01,2024-03-01" }, "two values"],
      [{ "at.between": "2024-01-01T00:00:00Z,soon" }, "date-time"],
      [{ "flag.eq": "yes" }, "true or false"],
      [{ "_id.in": "a,b" }, "UUID"],
      [{ "tags.ov": 5 }, "comma-separated"],
      [{ "count.eq": "7.5" }, "integer"],
      [{ "name!": 1 }, "a string"],
    ] as const) {
      const error = await refused(list(query));
      expect(error.status, JSON.stringify(query)).toBe(400);
      expect(error.body, JSON.stringify(query)).toMatchObject({
        errcode: "invalid-query",
        errmesg: expect.stringContaining(expected),
        errdata: { parameter: "query" },
      });
    }
  });

  test("filtering a json or object field is a 400 that says such fields cannot be filtered and which fields can, with their operators", async () => {
    for (const [field, kind] of [
      ["extra", "json"],
      ["contact", "object"],
    ] as const) {
      const error = await refused(deskClient.query("ticket", { search: { query: JSON.stringify({ [`${field}.eq`]: "x" }) } }));
      expect(error.status, field).toBe(400);
      const body = error.body as { errcode: string; errmesg: string; errdata: { field: string; filterable: Record<string, string[]> } };
      expect(body.errcode).toBe("invalid-query");
      expect(body.errmesg).toContain(`Field '${field}' is a ${kind} field, and ${kind} fields cannot be filtered`);
      expect(body.errmesg).toContain("title (has, eq, ne), status (eq, ne, in)");
      expect(body.errmesg).not.toContain("use none");
      expect(body.errdata.field).toBe(field);
      expect(body.errdata.filterable).toMatchObject({ title: ["has", "eq", "ne"], status: ["eq", "ne", "in"], _id: ["eq", "in", "ne"] });
      expect(Object.keys(body.errdata.filterable)).not.toContain("extra");
      expect(Object.keys(body.errdata.filterable)).not.toContain("contact");
    }
  });

  test("items through the client's item path", async () => {
    const item = await client.queryItem("thing", String(a._id));
    expect(item.data).toEqual(a);
  });

  test("command metadata: urls {meta, path}, the domain's commands in full, the dotted look-up, and which name wins", async () => {
    const domain = (await deskClient.get("/_meta/desk/")).data as { id: string; revision: number; commands: Record<string, Json> };
    expect(domain).toMatchObject({ id: "desk", name: "desk", description: "Help desk", revision: 2 });
    expect(Object.keys(domain.commands).sort()).toEqual(["note", "open", "write"]);
    for (const [key, entry] of Object.entries(domain.commands)) {
      expect(entry.key).toBe(key);
      expect((await deskClient.get(`/_meta/desk:${key}/`)).data).toEqual(entry);
      expect((await deskClient.get((entry.urls as { meta: string }).meta)).data).toEqual(entry);
    }
    expect(domain.commands.open).toMatchObject({
      key: "open",
      name: "Open",
      genid: true,
      resource: "ticket",
      urls: { meta: "/_meta/desk:open/", path: "/desk:open/ticket/:new" },
      schema: { type: "object", required: ["title"] },
    });
    expect(domain.commands.note).toMatchObject({ genid: false, urls: { meta: "/_meta/desk:note/", path: "/desk:note/ticket/{identifier}" } });
    // The client looks every name up with a dot: an action answers there, unless an aggregate has its name.
    expect((await deskClient.queryMeta("open")).data).toEqual(domain.commands.open);
    expect((await deskClient.queryMeta("write")).data).toEqual(domain.commands.write);
    expect((await deskClient.queryMeta("note")).data).toMatchObject({ name: "desk.note", idfield: "_id" });
    expect((await deskClient.get("/_meta/desk:note/")).data).toEqual(domain.commands.note);
    expect((await refused(deskClient.queryMeta("nope"))).status).toBe(404);
  });

  test("resource metadata of objects, json and text fields", async () => {
    const meta = (await deskClient.queryMeta("ticket")).data as ResourceMeta;
    const byName = Object.fromEntries(meta.fields.map((f) => [f.name, f]));
    expect(byName.contact).toMatchObject({ dtype: "json", ftype: "object", noop: "eq", finput: { type: "textarea" } });
    expect(byName.extra).toMatchObject({ dtype: "json", ftype: "json", noop: "eq" });
    expect(byName.lastNote).toMatchObject({ dtype: "string", ftype: "text", noop: "has" });
    expect(meta.filters["status.eq"]!.input.options).toEqual([
      { value: "open", label: "Open" },
      { value: "in-progress", label: "In progress" },
      { value: "closed", label: "Closed" },
    ]);
  });

  test("commands at the metadata's urls.path and at the client's dynamic path; Idempotency-Key comes back on every reply", async () => {
    const domain = (await deskClient.get("/_meta/desk/")).data as { commands: Record<string, { urls: { path: string } }> };
    const opened = await deskClient.post(domain.commands.open!.urls.path, { title: "Printer", contact: { name: "Ada" } });
    const ticket = (opened.data as { ticket: Json }).ticket;
    expect(ticket).toMatchObject({ _version: 1, title: "Printer", status: "open", contact: { name: "Ada" } });
    const headers = { "Idempotency-Key": `note-${randomUUID()}` };
    const noted = await deskClient.post(domain.commands.note!.urls.path, { lastNote: "jammed" }, { path: { identifier: String(ticket._id) }, headers });
    expect(noted.headers["idempotency-key"]).toBe(headers["Idempotency-Key"]);
    const again = await deskClient.post(domain.commands.note!.urls.path, { lastNote: "jammed" }, { path: { identifier: String(ticket._id) }, headers });
    expect(again.raw).toEqual(noted.raw);
    expect(again.headers["idempotency-key"]).toBe(headers["Idempotency-Key"]);
    const reused = await refused(
      deskClient.post(domain.commands.note!.urls.path, { lastNote: "fixed" }, { path: { identifier: String(ticket._id) }, headers }),
    );
    expect(reused.status).toBe(422);
    expect(reused.headers["idempotency-key"]).toBe(headers["Idempotency-Key"]);
    const unauthorised = await refused(
      desk.app.inject({ method: "POST", url: `/desk:note/ticket/${String(ticket._id)}`, headers }).then((r) => {
        throw new HTTPError(r.statusCode, r.body, r.headers);
      }),
    );
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.headers["idempotency-key"]).toBe(headers["Idempotency-Key"]);
    const written = await deskClient.send("write", { body: "hello" }, { path: { resource: "note", _id: ":new" } });
    expect((written.data as { note: Json }).note).toMatchObject({ _version: 1, body: "hello" });
    const item = await deskClient.queryItem("ticket", String(ticket._id));
    expect(item.data).toMatchObject({ _version: 2, lastNote: "jammed" });
  });

  test("/_meta: the application, the framework's version and the build", async () => {
    const meta = (await client.get("/_meta")).data as Json;
    expect(meta).toEqual({
      name: "banking-app",
      version: "1.2.3",
      framework: PACKAGE_VERSION,
      build_no: expect.stringMatching(/^[0-9a-f]{12}$/),
      build_time: null,
    });
    const other = (await deskClient.get("/_meta")).data as Json;
    expect(other.build_no).not.toBe(meta.build_no);
    expect((await client.get("/_meta")).data).toEqual(meta);
  });

  test('api.basePath "": the routes have no prefix, so a proxy may strip /api; the OpenAPI document agrees', async () => {
    expect((await desk.app.inject({ method: "GET", url: "/_meta" })).statusCode).toBe(200);
    expect((await desk.app.inject({ method: "GET", url: "/api/_meta" })).statusCode).toBe(404);
    expect((await desk.app.inject({ method: "GET", url: "/desk.ticket/", headers: { authorization: `Bearer ${deskToken}` } })).statusCode).toBe(200);
    const document = (await desk.app.inject({ method: "GET", url: "/openapi.json" })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain("/desk.ticket/");
    expect(Object.keys(document.paths).filter((p) => p.startsWith("/api"))).toEqual([]);
  });

  test("the OpenAPI document's example of each list's query is one the server answers", async () => {
    for (const [app, auth] of [
      [kinds, () => token],
      [desk, () => deskToken],
    ] as const) {
      const document = (await app.app.inject({ method: "GET", url: "/openapi.json" })).json() as {
        paths: Record<string, { get?: { operationId?: string; parameters?: Json[] } }>;
      };
      const lists = Object.entries(document.paths).filter(([, item]) => item.get?.operationId?.startsWith("list."));
      expect(lists.length).toBeGreaterThan(0);
      for (const [route, item] of lists) {
        const example = String(item.get!.parameters!.find((p) => p.name === "query")!.example);
        const response = await app.app.inject({
          method: "GET",
          url: `${route}?${new URLSearchParams({ query: example }).toString()}`,
          headers: { authorization: `Bearer ${auth()}` },
        });
        expect(response.statusCode, `${route} ${example}: ${response.body}`).toBe(200);
      }
    }
  });
});
