import path from "node:path";
import { describe, expect, test } from "vitest";
import { given, HandlerNotImplementedError, type AggregateDefinition, type EventShape } from "@fluvius/runtime";
import { fixturesRoot } from "../helpers/fixtures.js";
import { fixtureProject, generateInto } from "../helpers/generate.js";
import { buildProjectFromSpecs, replaceStub } from "../helpers/project.js";

/** The text of one exported stub, from its declaration to the closing `};`. */
function stub(module: string, name: string): string {
  const start = module.indexOf(`export const ${name}:`);
  expect(start, `${name} in the module`).toBeGreaterThanOrEqual(0);
  return module.slice(start, module.indexOf("\n};", start) + 3);
}

describe("handler stubs", () => {
  test("an action that lists several events gets a stub that throws: the handler decides which, a stub never records them all", async () => {
    const host = fixtureProject(path.join(fixturesRoot, "valid/shop"));
    const plan = await generateInto(host);
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const reserve = stub(host.text("src/domain/shop/stock.ts")!, "handleReserve");
    expect(reserve).toMatch(/throw new HandlerNotImplementedError\(\s*"handleReserve"/);
    expect(reserve).toContain("decide which of 'stock-reserved', 'reservation-refused' to emit");
    expect(reserve).not.toContain("return");
  });

  test("an action with one event whose fields the payload fills still gets a working stub", async () => {
    const host = fixtureProject(path.join(fixturesRoot, "valid/shop"));
    await generateInto(host);
    const receive = stub(host.text("src/domain/shop/stock.ts")!, "handleReceive");
    expect(receive).toContain('type: "stock-received"');
    expect(receive).not.toContain("HandlerNotImplementedError");
  });

  test("an event without `apply` gets an evolve stub that throws until written: the command fails naming the function and file, not a silent no-op", async () => {
    const host = fixtureProject(path.join(fixturesRoot, "valid/shop"));
    await generateInto(host);
    const refused = stub(host.text("src/domain/shop/stock.ts")!, "evolveReservationRefused");
    expect(refused).toMatch(/throw new HandlerNotImplementedError\(\s*"evolveReservationRefused",\s*"src\/domain\/shop\/stock.ts"/);
    expect(refused).not.toMatch(/^\s*return\b/m);
  });
});

describe("an unwritten evolve stub at run time", () => {
  const SPEC = `domain: desk
aggregates:
  ticket:
    state: { status: { enum: [open, closed], default: open } }
    actions:
      open: { creates: true, emits: ticket-opened }
      close: { emits: ticket-closed }
    events:
      ticket-opened: { apply: { set: { status: open } } }
      ticket-closed: {}
`;
  type Ticket = AggregateDefinition<{ status: string }, EventShape, { open: Record<string, never>; close: Record<string, never> }>;
  const load = async (dir: string) => {
    const { domains } = (await import(`${path.join(dir, "src/generated/index.ts")}?t=${Date.now()}`)) as {
      domains: { aggregates: { definition: Ticket }[] }[];
    };
    const ticket = domains[0]?.aggregates[0]?.definition;
    if (!ticket) throw new Error("no ticket aggregate");
    return ticket;
  };
  const opened = [{ type: "ticket-opened", version: 1, data: {} }];

  test("the command recording the event answers handler-not-implemented (501) naming evolveTicketClosed and its module", async () => {
    const project = buildProjectFromSpecs("evolve-stub", { "desk.yaml": SPEC });
    // The project's code throws the error class of its own copy of @fluvius/runtime: compared by what it says.
    const outcome = await given(await load(project.dir), opened).when("close", {}).outcome;
    expect(outcome.ok).toBe(false);
    const error = outcome.ok ? undefined : (outcome.error as Partial<HandlerNotImplementedError>);
    expect({ name: error?.constructor?.name, code: error?.code, status: error?.status, handler: error?.handler, file: error?.file }).toEqual({
      name: "HandlerNotImplementedError",
      code: "handler-not-implemented",
      status: 501,
      handler: "evolveTicketClosed",
      file: "src/domain/desk/ticket.ts",
    });
  });

  test("once written, the same command succeeds with the state the function returns", async () => {
    const project = buildProjectFromSpecs("evolve-written", { "desk.yaml": SPEC }, (dir) =>
      replaceStub(
        dir,
        "src/domain/desk/ticket.ts",
        "evolveTicketClosed",
        'export const evolveTicketClosed: types.TicketClosedEvolver = (state) => ({ ...state, status: "closed" });',
      ),
    );
    await given(await load(project.dir), opened)
      .when("close", {})
      .thenState({ status: "closed" });
  });
});
