/**
 * Forms of policy rules new users reached for, end to end on PGlite and PostgreSQL: an
 * auditor's `*:read` (every aggregate and view, read only) and `_creator: $actor.id` ("the
 * notes I wrote"), checked on commands from the stream and in lists as SQL on the read model.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { type BankingApp, startApp } from "./banking-app.js";
import { call, type Json } from "./kinds-app.js";

const SPEC = `domain: wiki
aggregates:
  note:
    state: { title: string }
    actions:
      write: { creates: true, payload: { title: string }, emits: note-written }
      retitle: { payload: { title: string }, emits: note-retitled }
    events:
      note-written: { payload: { title: string }, apply: { set: { title: $payload.title } } }
      note-retitled: { payload: { title: string }, apply: { set: { title: $payload.title } } }
views:
  titles:
    key: $event.streamId
    fields: { title: string? }
    from:
      note.note-written: { set: { title: $event.data.title } }
policies:
  roles: { writer: {}, auditor: {} }
  rules:
    - { role: writer, allow: ["note:write"] }
    - { role: writer, allow: ["note:*"], where: { _creator: $actor.id } }
    - { role: auditor, allow: ["*:read"] }
`;
const project = buildProjectFromSpecs("rule-forms", { "wiki.yaml": SPEC });

describe.each(["pglite", "postgres"] as const)("rule forms on %s", (backend) => {
  let api: BankingApp;
  let ann: string;
  let bob: string;
  let auditor: string;
  const notes: Record<string, string> = {};
  beforeAll(async () => {
    api = await startApp(backend, project);
    ann = await api.token("ann", "acme", ["writer"]);
    bob = await api.token("bob", "acme", ["writer"]);
    auditor = await api.token("audrey", "acme", ["auditor"]);
    for (const [who, token] of [
      ["ann", ann],
      ["bob", bob],
    ] as const) {
      const written = await call(api, "POST", "/api/wiki:write/note/:new", token, { title: `${who}'s note` });
      expect(written.status, JSON.stringify(written.body)).toBe(200);
      notes[who] = String((written.body.data as Record<string, Json>)["note"]?.["_id"]);
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  test("_creator: a writer changes and lists only the notes it wrote", async () => {
    expect((await call(api, "POST", `/api/wiki:retitle/note/${notes["ann"]}`, ann, { title: "ann, again" })).status).toBe(200);
    const foreign = await call(api, "POST", `/api/wiki:retitle/note/${notes["bob"]}`, ann, { title: "not mine" });
    expect(foreign.status).toBe(403);
    const listed = await call(api, "GET", "/api/wiki.note/", ann);
    expect((listed.body.data as Json[]).map((n) => n["title"])).toEqual(["ann, again"]);
    expect((await call(api, "GET", `/api/wiki.note/${notes["bob"]}`, ann)).status).toBe(403);
  });

  test("*:read: the auditor reads every aggregate and view, and may not write", async () => {
    expect(((await call(api, "GET", "/api/wiki.note/", auditor)).body.data as Json[]).length).toBe(2);
    expect(((await call(api, "GET", "/api/wiki.titles/", auditor)).body.data as Json[]).length).toBe(2);
    expect((await call(api, "GET", `/api/wiki.note/${notes["bob"]}/_events`, auditor)).status).toBe(403);
    expect((await call(api, "POST", "/api/wiki:write/note/:new", auditor, { title: "audit" })).status).toBe(403);
  });

  test("the migrations index _creator for the rule's lists", async () => {
    const indexes = await api.db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE schemaname = 'wiki' AND tablename = 'note'");
    expect(indexes.map((i) => i.indexdef).some((d) => d.endsWith("(_tenant, _creator)"))).toBe(true);
  });
});
