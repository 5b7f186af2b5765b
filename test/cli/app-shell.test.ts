/**
 * A Fluvius-style app shell against `fluvius serve`, end to end, with no client-side changes:
 * the shell asks `/auth/info` and, refused, sends the browser to the login (the OIDC
 * authorization-code flow against a local provider); signed in, it reads `/_meta` and the
 * domain's metadata, draws the resource's table from its metadata (header filters from each
 * field's `noop`, the query builder's groups, sort and pages), fills command forms from the
 * commands' metadata (schema, `urls.path`, `genid`), opens an item, follows it live over
 * server-sent events with the same cookie, and signs out.
 *
 * Every request is the client's (test/helpers/fluvius-client.ts: rjs-frame's URL building, the
 * data table's and query builder's parameters) sent by a browser with its cookie jar, to the
 * CLI's server on 127.0.0.1. The compatibility suite (test/http/fluvius-client-compat.test.ts)
 * covers each point in depth; this test is the walk a user of the app makes.
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { EventSource } from "eventsource";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser } from "../helpers/browser-jar.js";
import { runCli } from "../helpers/cli.js";
import { browserTransport, FluviusClient, HTTPError, type Json, searchOf } from "../helpers/fluvius-client.js";
import { freePort, type LocalProvider, signIn, startLocalProvider } from "../helpers/oidc-provider.js";
import { buildProject } from "../helpers/project.js";
import { type RunningServe, startServe } from "../helpers/serve.js";

interface Schema {
  readonly type?: string;
  readonly format?: string;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly $ref?: string;
}
interface CommandMeta {
  readonly key: string;
  readonly resource: string;
  readonly genid: boolean;
  readonly schema: Schema;
  readonly urls: { readonly meta: string; readonly path: string };
}
interface FieldMeta {
  readonly name: string;
  readonly noop: string;
  readonly dtype: string;
}
interface ResourceMeta {
  readonly fields: readonly FieldMeta[];
  readonly filters: Readonly<Record<string, { readonly input: { readonly type: string; readonly options?: readonly { value: string }[] } }>>;
}

/** What a metadata-driven form fills in for a property the user left to it: the first option, a new id, a number. */
function formValue(name: string, schema: Schema, given: Readonly<Record<string, unknown>>): unknown {
  if (name in given) return given[name];
  if (schema.enum?.[0] !== undefined) return schema.enum[0];
  if (schema.format === "uuid") return randomUUID();
  if (schema.type === "string" && schema.pattern !== undefined && new RegExp(schema.pattern).test("10.00")) return "10.00";
  if (schema.type === "integer" || schema.type === "number") return 1;
  return `${name} text`;
}

/** A command form: every required property of the command's payload schema. */
function fillForm(meta: CommandMeta, given: Readonly<Record<string, unknown>> = {}): Json {
  const properties = meta.schema.properties ?? {};
  return Object.fromEntries((meta.schema.required ?? []).map((name) => [name, formValue(name, properties[name] ?? {}, given)]));
}

const running: ChildProcess[] = [];

describe("a Fluvius app shell against fluvius serve", () => {
  let provider: LocalProvider;
  let server: RunningServe;
  let browser: Browser;
  let client: FluviusClient;
  let commands: Record<string, CommandMeta>;
  const customer = randomUUID();

  beforeAll(async () => {
    const port = await freePort();
    provider = await startLocalProvider({
      clientId: "bank-web",
      clientSecret: "shell-secret",
      redirectUri: `http://127.0.0.1:${port}/api/auth/callback`,
      postLogoutRedirectUri: `http://127.0.0.1:${port}/`,
      claimsOf: () => ({ preferred_username: "grace", tenant: "bank-7", tenant_name: "Seventh Bank", roles: ["teller"] }),
    });
    const project = buildProject("banking");
    writeFileSync(
      path.join(project.dir, "fluvius.yaml"),
      `auth:\n  tenantNameClaim: tenant_name\n  cookie: { name: bank_session }\n  oidc:\n    issuer: ${provider.issuer}\n    clientId: bank-web\n    clientSecretEnv: SHELL_OIDC_SECRET\n    scopes: [profile, bank]\n`,
    );
    const migrated = runCli(["migrate", "up"], { cwd: project.dir });
    expect(migrated.status, migrated.stderr).toBe(0);
    server = await startServe(project.dir, ["--port", String(port)], { SHELL_OIDC_SECRET: "shell-secret" }, running);
  }, 240_000);
  afterAll(async () => {
    for (const child of running.splice(0)) child.kill("SIGKILL");
    await provider?.close();
  });

  test("signed out: /auth/info is a 401 envelope, /_meta answers (it is public)", async () => {
    const info = await fetch(`${server.url}/api/auth/info`);
    expect(info.status).toBe(401);
    expect(await info.json()).toMatchObject({ errcode: expect.any(String) });
    const meta = await fetch(`${server.url}/api/_meta`);
    expect(meta.status).toBe(200);
    expect(await meta.json()).toMatchObject({ name: "banking-app", framework: expect.any(String) });
  });

  test("the login: the provider's pages, back to the app with an HttpOnly session cookie; /auth/info names the user, organization and roles", async () => {
    const login = randomUUID();
    const signedIn = await signIn(server.url, login, "/app/");
    browser = signedIn.browser;
    expect(signedIn.landed.status).toBe(302);
    expect(signedIn.landed.headers.get("location")).toBe("/app/");
    const cookieLine = browser.setCookies.find((line) => line.startsWith("bank_session="));
    expect(cookieLine).toMatch(/HttpOnly/i);
    expect(cookieLine).toMatch(/SameSite=Lax/i);
    const info = (await (await browser.request(`${server.url}/api/auth/info`)).json()) as Json;
    expect(info).toMatchObject({ user: { _id: login, username: "grace" }, organization: { _id: "bank-7", name: "Seventh Bank" }, roles: ["teller"] });
    // The app's API manager sends the CSRF token the server gave this session with every request (its headers hook).
    const { csrf_token } = (await (await browser.request(`${server.url}/api/auth/csrf-token`)).json()) as { csrf_token: string };
    client = new FluviusClient(browserTransport(server.url, browser), "banking", "/api", () => ({ "x-csrf-token": csrf_token }));
  });

  test("the domain's metadata lists its commands in full; a form built from one opens an account at its urls.path", async () => {
    const domain = (await client.get("/_meta/banking/")).data as { commands: Record<string, CommandMeta> };
    commands = domain.commands;
    expect(Object.keys(commands)).toEqual(expect.arrayContaining(["open-account", "deposit", "freeze"]));
    const open = commands["open-account"]!;
    expect(open).toMatchObject({ genid: true, resource: "account" });
    // The dynamic look-up the client makes before it draws the form answers the same entry.
    expect((await client.get(open.urls.meta)).data).toEqual(open);
    for (const owner of [customer, customer, randomUUID()]) {
      const form = fillForm(open, { customerId: owner, accountType: owner === customer ? "savings" : "checking" });
      const reply = await client.post(open.urls.path, form, { headers: { "Idempotency-Key": `open-${randomUUID()}` } });
      expect((reply.data as { account: Json }).account).toMatchObject({ _version: 1, customerId: owner, status: "open" });
    }
  });

  test("the table: columns and header filters from the resource's metadata; the query builder; sort and pages", async () => {
    const meta = (await client.queryMeta("account")).data as ResourceMeta;
    const byName = Object.fromEntries(meta.fields.map((f) => [f.name, f]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(["_id", "customerId", "accountType", "balance", "status", "_creator", "_updater"]));
    // The header filter of a select field sends one of its options, with the field's noop operator.
    const typeFilter = meta.filters[`accountType.${byName.accountType!.noop}`]!;
    expect(typeFilter.input.options?.map((o) => o.value)).toEqual(["checking", "savings"]);
    const savings = await client.query("account", {
      search: { page: 1, limit: 10, ...searchOf({ query: [{ type: "field", field: "accountType", operator: "accountType.eq", value: "savings" }] }) },
    });
    expect((savings.data as Json[]).map((row) => row.customerId)).toEqual([customer, customer]);
    expect(savings.pagination).toMatchObject({ page: 1, total: 2, pages: 1 });
    // The query builder: a group, sorted, one row a page.
    const state = searchOf({
      query: [
        {
          type: "composite",
          operator: ".or",
          children: [
            { type: "field", field: "customerId", operator: "customerId.eq", value: customer },
            { type: "field", field: "accountType", operator: "accountType.eq", value: "checking" },
          ],
        },
      ],
      sort: [{ field: "accountType", direction: "asc" }],
    });
    const pages = await Promise.all([1, 2, 3].map((page) => client.query("account", { search: { page, limit: 1, ...state } })));
    expect(pages.map((p) => (p.data as Json[])[0]?.accountType)).toEqual(["checking", "savings", "savings"]);
    expect(pages[0]!.pagination).toMatchObject({ total: 3, pages: 3 });
    // Only the columns the table shows.
    const narrow = await client.query("account", {
      search: searchOf({ select: ["customerId", "balance"], query: [{ type: "field", field: "customerId", operator: "customerId.eq", value: customer }] }),
    });
    for (const row of narrow.data as Json[]) expect(Object.keys(row).sort()).toEqual(["_id", "balance", "customerId"]);
  });

  test("an item opened from the table, followed live over server-sent events with the cookie while a form deposits into it", async () => {
    const rows = (
      await client.query("account", { search: searchOf({ query: [{ type: "field", field: "customerId", operator: "customerId.eq", value: customer }] }) })
    ).data as Json[];
    const id = String(rows[0]!._id);
    const item = (await client.queryItem("account", id)).data as Json;
    expect(item).toMatchObject({ _id: id, _version: 1, balance: "0.00" });

    // The browser sends the session cookie with EventSource requests of its origin.
    const cookie = `bank_session=${browser.cookie("127.0.0.1", "bank_session") ?? ""}`;
    const heard: { channel: string; message: Json }[] = [];
    let ready = false;
    const source = new EventSource(`${server.url}/api/_live/sse?channels=banking.account/${id}`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } }),
    });
    source.addEventListener("ready", () => (ready = true));
    source.onmessage = (event) => heard.push(JSON.parse(event.data as string) as { channel: string; message: Json });
    try {
      await expect.poll(() => ready, { timeout: 15_000 }).toBe(true);
      const deposit = commands.deposit!;
      expect(deposit.genid).toBe(false);
      for (const amount of ["5.00", "7.50"]) await client.post(deposit.urls.path, fillForm(deposit, { amount }), { path: { identifier: id } });
      await expect.poll(() => heard.length, { timeout: 15_000 }).toBe(2);
      expect(heard.map((h) => [h.channel, h.message.version, (h.message.data as Json).balance])).toEqual([
        [`banking.account/${id}`, 2, "5.00"],
        [`banking.account/${id}`, 3, "12.50"],
      ]);
    } finally {
      source.close();
    }
    const after = (await client.queryItem("account", id)).data as Json;
    expect(after).toMatchObject({ _version: 3, balance: "12.50", _updater: expect.any(String) });
  });

  test("a command without the session's CSRF token is refused; signing out ends the session", async () => {
    const bare = new FluviusClient(browserTransport(server.url, browser), "banking", "/api");
    const forged = await bare.post(commands["open-account"]!.urls.path, fillForm(commands["open-account"]!)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(forged).toBeInstanceOf(HTTPError);
    expect((forged as HTTPError).status).toBe(403);
    const out = await browser.request(`${server.url}/api/auth/logout`);
    expect([302, 303]).toContain(out.status);
    expect(browser.cookie("127.0.0.1", "bank_session")).toBeUndefined();
    expect((await browser.request(`${server.url}/api/auth/info`)).status).toBe(401);
  });
});
