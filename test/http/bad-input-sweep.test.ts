/**
 * The bad-input sweep of issue 11: a bounded, deterministic set of bad values against every
 * route, query parameter and header of the API, on PGlite and on the PostgreSQL server.
 * Nothing may answer 500, and every 4xx must carry the `{errcode, errmesg, errdata}` envelope.
 * The counts (requests, by status) are printed for the report.
 */
import { createHmac, randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BankingApp, SECRET } from "./banking-app.js";
import { call, type Json, startKindsApp } from "./kinds-app.js";

/** Strings that have broken servers: control characters, lone surrogates, huge numbers, bad dates, SQL. */
const BAD_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udc00",
  "-1",
  "0",
  "1.5",
  "1e400",
  "-1e400",
  "NaN",
  "Infinity",
  "0x10",
  "9".repeat(40),
  "9".repeat(400),
  "9".repeat(20_000),
  "March 7",
  "2024-02-30T00:00:00Z",
  "2024-13-01",
  "2024-01-01T25:00:00Z",
  "+275760-09-13T00:00:00.000Z",
  "-000001-01-01T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "2024-01-01T00:00:00+99:00",
  "'; DROP TABLE x; --",
  "[]",
  "{}",
  "null",
  "true",
  "%",
  "x".repeat(5000),
];

/** Values inside `query=` JSON: every JSON type, and the strings above. */
const BAD_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 63,
  Number.MAX_SAFE_INTEGER + 2,
  [],
  ["a", "b"],
  [1, 2, 3],
  [null, null],
  ["2024-01-01", "March 7"],
  ["2024-02-30T00:00:00Z", "2024-03-01T00:00:00Z"],
  {},
  { a: 1 },
  ...BAD_STRINGS,
];

const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "has", "in", "between", "ov", "zz"];
const FIELDS = [
  "_id",
  "_version",
  "_created",
  "_updated",
  "name",
  "note",
  "count",
  "ratio",
  "balance",
  "flag",
  "ref",
  "day",
  "at",
  "mail",
  "link",
  "colour",
  "tags",
  "owners",
  "nope",
];

const BAD_QUERIES: readonly string[] = [
  "{",
  "[1,",
  '"str"',
  "1",
  "null",
  "[]",
  "[[]]",
  '{".and": 1}',
  '{".or": [1]}',
  '{"!and": "x"}',
  '{".xor": []}',
  '{"name.": 1}',
  '{"name!": 1}',
  '{"name.EQ": "a"}',
  '{"": 1}',
  '{"__proto__": {"x": 1}}',
  '{"constructor": 1}',
  `${'{".and":['.repeat(40)}{}${"]}".repeat(40)}`,
  JSON.stringify(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`name!eq`.replace("!eq", i % 2 ? "!eq" : ".eq") + "", `v${i}`]))),
  JSON.stringify({ ".or": Array.from({ length: 300 }, (_, i) => ({ name: `v${i}` })) }),
  '{"name": "\\u0000"}',
  '{"name": "\\ud800"}',
  '{"name\\u0000": 1}',
];

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

/** A token signed with the test secret, whatever its claims: the server must still refuse bad ones cleanly. */
function signed(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: "HS256", typ: "JWT" }, secret = SECRET): string {
  const head = base64url(JSON.stringify(header));
  const body = base64url(JSON.stringify(claims));
  const signature = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}

interface Probe {
  readonly method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly payload?: string;
}

describe.each(["pglite", "postgres"] as const)("bad-input sweep on %s", (backend) => {
  let api: BankingApp;
  let admin: string;
  let tenant: string;
  let id: string;
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let requests = 0;

  beforeAll(async () => {
    api = await startKindsApp(backend);
    tenant = `t-${randomUUID().slice(0, 8)}`;
    admin = await api.token("admin-1", tenant, ["admin"]);
    const made = await call(api, "POST", "/api/kinds:make/thing/:new", admin, { name: "x", balance: "1.00", tags: ["a"], owners: [] });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    id = ((made.body.data as Json).thing as Json)._id as string;
  }, 120_000);
  afterAll(async () => {
    // The numbers the lead reports: requests, and how many got each status.
    const counts = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}: ${n}`)
      .join(", ");
    console.log(`bad-input sweep on ${backend}: ${requests} requests; ${counts}; 500s: ${statuses.get(500) ?? 0}`);
    await api?.close();
  });

  async function probe(p: Probe): Promise<void> {
    const headers: Record<string, string> = { authorization: `Bearer ${admin}`, ...p.headers };
    for (const [k, v] of Object.entries(headers)) if (v === "\u0000omit") delete headers[k];
    const response = await api.app.inject({ method: p.method, url: p.url, headers, ...(p.payload === undefined ? {} : { payload: p.payload }) });
    requests++;
    const status = response.statusCode;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const where = `${p.method} ${p.url.slice(0, 160)} ${JSON.stringify(p.headers ?? {}).slice(0, 160)} ${(p.payload ?? "").slice(0, 120)}`;
    if (status >= 500) {
      failures.push(`${status} ${where}: ${response.body.slice(0, 300)}`);
      return;
    }
    if (status >= 400) {
      let body: unknown;
      try {
        body = response.json();
      } catch {
        body = undefined;
      }
      const e = body as { errcode?: unknown; errmesg?: unknown; errdata?: unknown } | undefined;
      if (!e || typeof e.errcode !== "string" || typeof e.errmesg !== "string" || typeof e.errdata !== "object" || e.errdata === null) {
        failures.push(`${status} without the envelope ${where}: ${response.body.slice(0, 300)}`);
      }
    }
  }

  async function sweep(probes: Iterable<Probe>): Promise<void> {
    failures.length = 0;
    for (const p of probes) await probe(p);
    // SWEEP_FAILURES=<file> keeps every bad answer, not only the first ones the assertion shows.
    if (process.env.SWEEP_FAILURES) appendFileSync(process.env.SWEEP_FAILURES, failures.map((f) => `${backend} ${f}\n`).join(""));
    expect(failures.slice(0, 25), `${failures.length} bad answers`).toEqual([]);
  }

  /** encodeURIComponent, except that a lone surrogate is sent as its (invalid) UTF-8 bytes, as a careless client would. */
  const enc = (value: string) =>
    (value.match(/[\ud800-\udfff]|[^\ud800-\udfff]+/g) ?? [])
      .map((part) => {
        if (part.length !== 1 || !/[\ud800-\udfff]/.test(part)) return encodeURIComponent(part);
        const code = part.charCodeAt(0);
        return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
      })
      .join("");
  const list = "/api/kinds.thing/";
  const item = () => `/api/kinds.thing/${id}`;

  test("query parameters of every GET route: bad values, raw bad encodings, repeated parameters", { timeout: 60_000 }, async () => {
    const routes: [string, readonly string[]][] = [
      [list, ["limit", "page", "sort", "query", "text", "include", "exclude", "foo"]],
      [item(), ["version", "at", "foo"]],
      [`${item()}/_events`, ["after", "limit", "foo"]],
      ["/api/_meta", ["foo"]],
      ["/api/auth/info", ["foo"]],
    ];
    const raw = ["%00", "%ED%A0%80", "%C0%AF", "%zz", "%", "%FF%FE", "a%00b"];
    function* probes(): Iterable<Probe> {
      for (const [route, params] of routes) {
        for (const param of params) {
          for (const value of BAD_STRINGS) yield { method: "GET", url: `${route}?${param}=${enc(value)}` };
          for (const value of raw) yield { method: "GET", url: `${route}?${param}=${value}` };
          yield { method: "GET", url: `${route}?${param}=1&${param}=2` };
          yield { method: "GET", url: `${route}?${param}[]=1` };
          yield { method: "GET", url: `${route}?${param}[a]=1` };
        }
        yield { method: "GET", url: `${route}?version=1&at=2024-01-01T00:00:00Z` };
      }
      for (const at of ["2024-02-30T00:00:00Z", "March 7", "+275760-09-13T00:00:00.000Z", "2024-01-01", "2024-01-01T00:00:00", "9999-12-31T23:59:59.999Z"]) {
        yield { method: "GET", url: `${item()}?at=${enc(at)}` };
      }
      for (const sort of ["a,b", "name.up", "name.asc,", ",", "name.asc.desc", "tags.asc", "name.asc&sort=name.desc", `${"name.asc,".repeat(500)}name.asc`]) {
        yield { method: "GET", url: `${list}?sort=${enc(sort)}` };
      }
    }
    await sweep(probes());
  });

  test("filters: every field, every operator, bad values of every JSON type, malformed query JSON", { timeout: 60_000 }, async () => {
    function* probes(): Iterable<Probe> {
      for (const field of FIELDS) {
        for (const op of OPERATORS) {
          for (const value of BAD_VALUES) {
            for (const sep of op === "eq" ? ["", ".", "!"] : [".", "!"]) {
              const key = sep === "" ? field : `${field}${sep}${op}`;
              yield { method: "GET", url: `${list}?query=${enc(JSON.stringify({ [key]: value }))}` };
            }
          }
        }
      }
      for (const query of BAD_QUERIES) yield { method: "GET", url: `${list}?query=${enc(query)}` };
    }
    await sweep(probes());
  });

  test("headers: Authorization, If-Match, Idempotency-Key, X-Correlation-Id, Content-Type", { timeout: 60_000 }, async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = { sub: "admin-1", tenant, roles: ["admin"], iat: now, exp: now + 600 };
    const authorizations = [
      "\u0000omit",
      "",
      "Bearer",
      "Bearer ",
      "Basic YTpi",
      "Bearer a.b.c",
      "Bearer ...",
      `Bearer ${"x".repeat(8000)}`,
      `Bearer ${signed(good, { alg: "none", typ: "JWT" })}`,
      `Bearer ${signed(good, { alg: "HS256" }, "another-secret-of-at-least-32-characters")}`,
      `Bearer ${signed({ ...good, exp: now - 10 })}`,
      `Bearer ${signed({ ...good, nbf: now + 1000 })}`,
      `Bearer ${signed({ ...good, sub: "a\u0000b" })}`,
      `Bearer ${signed({ ...good, sub: "\ud800" })}`,
      `Bearer ${signed({ ...good, sub: 42 })}`,
      `Bearer ${signed({ ...good, sub: "x".repeat(5000) })}`,
      `Bearer ${signed({ ...good, tenant: "a\u0000b" })}`,
      `Bearer ${signed({ ...good, tenant: "\udc00" })}`,
      `Bearer ${signed({ ...good, tenant: "*" })}`,
      `Bearer ${signed({ ...good, tenant: "t".repeat(300) })}`,
      `Bearer ${signed({ ...good, tenant: ["a"] })}`,
      `Bearer ${signed({ ...good, roles: "admin\u0000" })}`,
      `Bearer ${signed({ ...good, roles: [1, null, {}] })}`,
      `Bearer ${signed({ ...good, name: "\u0000", email: "\ud800" })}`,
      `Bearer ${signed({ ...good, exp: "tomorrow" })}`,
      `Bearer ${base64url("{")}.${base64url("{")}.x`,
    ];
    const touch = `/api/kinds:touch/thing/${id}`;
    const json = { "content-type": "application/json" };
    function* probes(): Iterable<Probe> {
      for (const authorization of authorizations) {
        for (const url of [list, item(), `${item()}?version=1`, `${item()}/_events`, "/api/auth/info"])
          yield { method: "GET", url, headers: { authorization } };
        yield { method: "POST", url: touch, headers: { ...json, authorization }, payload: JSON.stringify({ note: "n" }) };
        yield { method: "POST", url: "/api/kinds:make/thing/:new", headers: { ...json, authorization }, payload: "{}" };
      }
      const ifMatch = ["abc", "-1", "1.5", "99999999999999999999", '"', "W/", "1, 2", "\u00ff", "*", " ", "0", `"${"9".repeat(400)}"`];
      const keys = ["", " ", "x".repeat(256), "x".repeat(10_000), "\u00e9\u00ff", "a b", "\t"];
      for (const value of ifMatch) yield { method: "POST", url: touch, headers: { ...json, "if-match": value }, payload: JSON.stringify({ note: "n" }) };
      for (const value of keys) {
        yield { method: "POST", url: touch, headers: { ...json, "idempotency-key": value }, payload: JSON.stringify({ note: "n" }) };
        yield { method: "POST", url: touch, headers: { ...json, "x-correlation-id": value }, payload: JSON.stringify({ note: "n" }) };
      }
      const types = [
        "text/plain",
        "application/xml",
        "application/json; charset=latin1",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "",
        "application/jsonx",
        "*/*",
      ];
      for (const type of types) yield { method: "POST", url: touch, headers: { "content-type": type }, payload: JSON.stringify({ note: "n" }) };
    }
    await sweep(probes());
  });

  test(
    "command bodies and path ids: malformed JSON, wrong types, NULs, lone surrogates, huge decimals, bad ids, other methods",
    { timeout: 60_000 },
    async () => {
      const json = { "content-type": "application/json" };
      const make = "/api/kinds:make/thing/:new";
      const valid = { name: "x", balance: "1.00", tags: [], owners: [] };
      const fields = ["name", "note", "count", "ratio", "balance", "flag", "ref", "day", "at", "mail", "link", "colour", "tags", "owners", "extra"];
      function* probes(): Iterable<Probe> {
        for (const body of [
          "{",
          "[]",
          "null",
          "1",
          '"s"',
          "{}",
          '{"name":"\\u0000"}',
          '{"name":"\\ud800"}',
          '{"\\u0000":1}',
          "[".repeat(10_000),
          `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`,
          "\ufeff{}",
          "x".repeat(2 * 1024 * 1024),
        ]) {
          yield { method: "POST", url: make, headers: json, payload: body };
          yield { method: "POST", url: `/api/kinds:touch/thing/${id}`, headers: json, payload: body };
        }
        for (const field of fields) {
          for (const value of [...BAD_VALUES, "9".repeat(29), `0.${"1".repeat(40)}`, `${"9".repeat(27)}.99`]) {
            yield { method: "POST", url: make, headers: json, payload: JSON.stringify({ ...valid, [field]: value }) };
          }
        }
        for (const value of [...BAD_STRINGS, "%00", "%ED%A0%80", "x".repeat(101), "x".repeat(2000), "00000000-0000-0000-0000-000000000000", id.toUpperCase()]) {
          const raw = value.startsWith("%") ? value : enc(value);
          yield { method: "POST", url: `/api/kinds:touch/thing/${raw}`, headers: json, payload: JSON.stringify({ note: "n" }) };
          yield { method: "GET", url: `/api/kinds.thing/${raw}` };
          yield { method: "GET", url: `/api/kinds.thing/${raw}/_events` };
          yield { method: "POST", url: `${make}?identifier=${raw}`, headers: json, payload: JSON.stringify(valid) };
        }
        for (const method of ["PUT", "DELETE", "PATCH"] as const) {
          yield { method, url: `/api/kinds:touch/thing/${id}`, headers: json, payload: "{}" };
          yield { method, url: item() };
        }
        for (const url of [
          "/api/_meta/kinds/",
          "/api/_meta/kinds:make/",
          "/api/_meta/kinds.make/",
          "/api/_meta/kinds.thing/",
          "/api/_meta/nope/",
          "/api/_meta/kinds:nope/",
          "/api/%00",
          "/api/kinds.thing",
          `/api/${"x".repeat(5000)}`,
        ]) {
          yield { method: "GET", url };
          yield { method: "POST", url, headers: json, payload: "{}" };
        }
      }
      await sweep(probes());
    },
  );

  test("oversized headers (431) and over-long path ids (414) over a real socket carry the envelope", async () => {
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = api.app.server.address() as AddressInfo;
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => socket.end(request));
        let text = "";
        socket.on("data", (chunk) => (text += chunk.toString("latin1")));
        socket.on("end", () => resolve(text));
        socket.on("error", reject);
        socket.setTimeout(5000, () => socket.destroy(new Error("no answer")));
      });
    const answers = [
      await raw(`GET /api/kinds.thing/ HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\nConnection: close\r\n\r\n`),
      await raw(`GET /api/kinds.thing/${"a".repeat(200)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      await raw(`GARBAGE\r\n\r\n`),
    ];
    for (const [i, answer] of answers.entries()) {
      requests++;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, answer).toBeGreaterThanOrEqual(400);
      expect(status, answer).toBeLessThan(500);
      const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as Json;
      expect(body, `answer ${i}`).toMatchObject({ errcode: expect.any(String), errmesg: expect.any(String), errdata: {} });
    }
    expect(answers.map((a) => a.slice(9, 12))).toEqual(["431", "414", "400"]);
  });
});
