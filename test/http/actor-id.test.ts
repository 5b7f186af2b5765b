/**
 * Many identity providers give subjects that are not UUIDs ("auth0|5f3…"). A spec may record
 * the actor's id in a uuid field (`set: { customerId: $meta.actorId }`); such a command from
 * such an actor is refused with a 403 naming the field, on PGlite and on PostgreSQL — not a
 * 500 from the read-model write — and nothing is recorded.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildProjectFromSpecs } from "../helpers/project.js";
import { type BankingApp, startApp } from "./banking-app.js";

const SPEC = `domain: desk
aggregates:
  ticket:
    state:
      ownerId: uuid
      title: string
      reporter: string
    actions:
      open: { creates: true, payload: { title: string }, emits: opened }
    events:
      opened:
        payload: { title: string }
        apply: { set: { ownerId: $meta.actorId, reporter: $meta.actorId, title: $payload.title } }
policies:
  roles: { agent: {} }
  rules: [{ role: agent, allow: ["ticket:*"] }]
`;

const project = buildProjectFromSpecs("actor-id", { "desk.yaml": SPEC });

describe.each(["pglite", "postgres"] as const)("an actor id that is not a UUID, on %s", (backend) => {
  let api: BankingApp;
  beforeAll(async () => {
    api = await startApp(backend, project);
  });
  afterAll(() => api?.close());

  const open = async (subject: string) =>
    api.app.inject({
      method: "POST",
      url: "/api/desk:open/ticket/:new",
      headers: { authorization: `Bearer ${await api.token(subject, "acme", ["agent"])}` },
      payload: { title: "Printer on fire" },
    });

  test("recording it in a uuid field is a 403 actor-id-not-uuid naming the field, and nothing is stored", async () => {
    const response = await open("auth0|5f3a9c");
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json()).toMatchObject({
      errcode: "actor-id-not-uuid",
      errdata: { field: "ownerId", actorId: "auth0|5f3a9c" },
    });
    const list = await api.app.inject({
      method: "GET",
      url: "/api/desk.ticket/",
      headers: { authorization: `Bearer ${await api.token("00000000-0000-4000-8000-000000000009", "acme", ["agent"])}` },
    });
    expect(list.json()).toMatchObject({ data: [], pagination: { total: 0 } });
  });

  test("a UUID subject is recorded as usual", async () => {
    const response = await open("00000000-0000-4000-8000-00000000000A");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ data: { ticket: { ownerId: "00000000-0000-4000-8000-00000000000a", title: "Printer on fire" } } });
  });
});
