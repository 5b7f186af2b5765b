/**
 * Lists at scale (docs/http.md, "Lists at scale"), on PGlite and PostgreSQL: what a list
 * reads follows the rows it returns. Fields marked `index: true` get an index led by the
 * tenant and ending with the list's tie-breaker, and the list's own SQL (recorded as the
 * runtime sends it, then EXPLAINed with sorting disabled) walks that index with no sort,
 * in both directions; a policy comparing a uuid column with the actor uses its index; the
 * count stops COUNT_AHEAD rows past the page and says so.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createStore, type Database, type DomainDefinition } from "@fluvius/runtime";
import { aggregateLister } from "@fluvius/runtime/internal/runtime/read/aggregate-list";
import { COUNT_AHEAD } from "@fluvius/runtime/internal/runtime/read/request";
import { type BankingApp, startApp } from "../http/banking-app.js";
import { buildProjectFromSpecs } from "../helpers/project.js";

const SPEC = `domain: desk
aggregates:
  ticket:
    state:
      title: string
      priority: { type: integer, default: 0, index: true }
      assignee: { type: uuid, optional: true, index: true }
      dueOn: { type: date, optional: true, index: true }
    actions:
      open: { creates: true, payload: { title: string }, emits: ticket-opened }
    events:
      ticket-opened: { payload: { title: string }, apply: { set: { title: $payload.title } } }
policies:
  roles: { agent: {}, lead: {} }
  rules:
    - { role: lead, allow: ["ticket:*"] }
    - { role: agent, allow: ["ticket:read"], where: { assignee: $actor.id } }
`;
const project = buildProjectFromSpecs("list-plans", { "desk.yaml": SPEC });
const ROWS = COUNT_AHEAD + 2_000;
const AGENT = "aaaaaaaa-0000-4000-8000-00000000000b";

describe.each(["pglite", "postgres"] as const)("list plans on %s", (backend) => {
  let api: BankingApp;
  const recorded: { text: string; params: readonly unknown[] }[] = [];
  let list: ReturnType<typeof aggregateLister>;

  beforeAll(async () => {
    api = await startApp(backend, project);
    // Rows straight into the read model (a command per row would take minutes): one tenant's
    // ROWS tickets, every 16th assigned to AGENT, and a few of another tenant.
    await api.db.exec(`
      INSERT INTO "desk"."ticket" (_tenant, _id, _version, _created, _updated, title, priority, assignee, due_on)
      SELECT 'acme', md5('t' || i)::uuid, 1, timestamptz '2026-01-01' + i * interval '1 second', now(), 'ticket ' || i, i % 97,
             CASE WHEN i % 16 = 0 THEN '${AGENT}'::uuid END, CASE WHEN i % 3 = 0 THEN date '2026-01-01' + i % 365 END
        FROM generate_series(1, ${ROWS}) AS i;
      INSERT INTO "desk"."ticket" (_tenant, _id, _version, _created, _updated, title, priority)
      SELECT 'globex', md5('g' || i)::uuid, 1, now(), now(), 'other ' || i, 1 FROM generate_series(1, 50) AS i;
      ANALYZE "desk"."ticket";`);
    const domain = api.domains.find((d) => d.name === "desk") as DomainDefinition;
    const ticket = domain.aggregates[0]?.definition;
    if (!ticket) throw new Error("no ticket aggregate");
    const db = api.db;
    const recording: Database = {
      ...db,
      query: (text, params = []) => {
        recorded.push({ text, params });
        return db.query(text, params);
      },
    };
    list = aggregateLister(createStore(recording), ticket, domain.policy);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  const lead = { id: "lead-1", tenant: "acme", roles: ["lead"] };
  const agent = { id: AGENT, tenant: "acme", roles: ["agent"] };

  /** The plan of the page query the list sent, with every sort (and sequential scans) priced out. */
  async function pagePlan(run: () => Promise<unknown>): Promise<string> {
    recorded.length = 0;
    await run();
    const page = recorded.find((q) => q.text.includes("ORDER BY"));
    if (!page) throw new Error(`no page query among ${recorded.map((q) => q.text).join("\n")}`);
    return api.db.transaction(async (sql) => {
      for (const setting of ["enable_sort", "enable_incremental_sort", "enable_seqscan"]) await sql.query(`SET LOCAL ${setting} = off`);
      const rows = await sql.query<{ "QUERY PLAN": string }>(`EXPLAIN ${page.text}`, page.params);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
  }

  test("migrations index each `index: true` field as (_tenant, field, _id)", async () => {
    const indexes = await api.db.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'desk' AND tablename = 'ticket' ORDER BY indexname",
    );
    const definitions = indexes.map((i) => i.indexdef.replace(/^.* USING btree /, "")).filter((d) => !d.includes("USING"));
    expect(definitions).toEqual(
      expect.arrayContaining(["(_tenant, priority, _id)", "(_tenant, assignee, _id)", "(_tenant, due_on, _id)", "(_tenant, _created, _id)"]),
    );
    // (_tenant, assignee) for the policy rule is left out: (_tenant, assignee, _id) serves it.
    expect(definitions).not.toContain("(_tenant, assignee)");
  });

  test.each([
    ["priority.desc", "Backward"],
    ["priority.asc", ""],
    ["dueOn.asc", ""],
    [undefined, "Backward"],
  ] as const)("sort=%s reads the page off the index, no sort", async (sort, direction) => {
    const plan = await pagePlan(() => list(lead, { ...(sort === undefined ? {} : { sort }), page: 3 }));
    expect(plan).not.toMatch(/Sort/);
    expect(plan).toContain(
      `Index Scan${direction === "" ? "" : ` ${direction}`} using ticket__tenant_${sort === undefined ? "_created" : sort.startsWith("priority") ? "priority" : "due_on"}__id_idx`,
    );
  });

  test("a filter and the sort on one indexed field: one index range, no sort", async () => {
    const plan = await pagePlan(() => list(lead, { query: { "priority.gte": 90 }, sort: "priority.desc" }));
    expect(plan).not.toMatch(/Sort/);
    expect(plan).toContain("ticket__tenant_priority__id_idx");
  });

  test("a rule comparing a uuid with the actor uses the column's index, not a text cast", async () => {
    const plan = await pagePlan(() => list(agent, { sort: "assignee.asc" }));
    expect(plan).toContain("ticket__tenant_assignee__id_idx");
    expect(plan).toMatch(/Index Cond: .*\(assignee = '[0-9a-f-]+'::uuid\)/);
    const page = await list(agent, { limit: 1000 });
    expect(page.total).toBe(Math.floor(ROWS / 16));
    expect(page.rows.every((r) => (r as { assignee?: string }).assignee === AGENT)).toBe(true);
    // An actor id that is not a uuid matches nothing (as the text comparison did), and is no error.
    expect((await list({ ...agent, id: "not-a-uuid" }, {})).total).toBe(0);
  });

  test("descending order puts unset values last and breaks ties by _id descending", async () => {
    const page = await list(lead, { sort: "dueOn.desc", limit: 1000, page: Math.ceil(ROWS / 1000) });
    const rows = page.rows as { _id: string; dueOn?: string }[];
    expect(rows.at(-1)?.dueOn).toBeUndefined();
    const first = await list(lead, { sort: "priority.desc", limit: 50 });
    const top = (first.rows as { _id: string; priority: number }[]).filter((r) => r.priority === 96).map((r) => r._id);
    expect(top).toEqual([...top].sort().reverse());
  });

  test(`the count stops ${COUNT_AHEAD} rows past the page: a lower bound, marked capped`, async () => {
    const first = await list(lead, { limit: 25 });
    expect(first).toMatchObject({ total: 25 + COUNT_AHEAD, capped: true, page: 1 });
    // Near the end the count reaches every row: exact again.
    const late = await list(lead, { limit: 25, page: 300 });
    expect(late.total).toBe(ROWS);
    expect(late.capped).toBeUndefined();
    // A filter that matches fewer: exact, whatever the page.
    const few = await list(lead, { query: { "priority.eq": 5 }, limit: 10, page: 2 });
    expect(few.total).toBe(Array.from({ length: ROWS }, (_, i) => (i + 1) % 97).filter((p) => p === 5).length);
    expect(few.capped).toBeUndefined();
    // The other tenant's rows are never counted.
    expect((await list({ ...lead, tenant: "globex" }, {})).total).toBe(50);
  });
});
