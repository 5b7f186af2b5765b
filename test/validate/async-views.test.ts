import { describe, expect, test } from "vitest";
import { compile } from "../../src/compile.js";
import { memoryHost } from "../../src/host/memory-host.js";
import { lower } from "../../src/model/lower.js";

const CONFIG = 'specs: ["domains/*.yaml"]\n';

async function compileSpec(spec: string) {
  const result = await compile({ host: memoryHost({ "fluvius.yaml": CONFIG, "domains/crm.yaml": spec }) });
  const summary = result.diagnostics.map(
    (d) => `${d.range.start.line}:${d.range.start.column} ${d.code}: ${d.message}${d.hint === undefined ? "" : ` (${d.hint})`}`,
  );
  return { summary, model: result.domains && result.diagnostics.every((d) => d.severity !== "error") ? lower(result.domains) : undefined };
}

const domain = (view: string) => `domain: crm
aggregates:
  deal:
    state: { customerId: uuid?, amount: { type: integer, default: 0 } }
    actions:
      open: { creates: true, payload: { customerId: uuid, amount: integer }, emits: deal-opened }
    events:
      deal-opened: { payload: { customerId: uuid, amount: integer }, apply: { set: { customerId: $payload.customerId, amount: $payload.amount } } }
views:
${view}
`;

const LATEST = `  latest-deal:
    key: $state.customerId
    fields: { amount: integer? }
    from:
      deal.deal-opened: { set: { amount: $state.amount } }`;

describe("asynchronous views", () => {
  test("`set` on rows several streams feed is refused in the command's write, with `async: true` as the way out", async () => {
    const { summary } = await compileSpec(domain(LATEST));
    expect(summary).toEqual([expect.stringMatching(/^\d+:\d+ invalid-view: .*commit in no fixed order.*make the view `async: true`/)]);
  });

  test("`async: true` accepts it and is lowered into the model", async () => {
    const { summary, model } = await compileSpec(domain(LATEST.replace("    key:", "    async: true\n    key:")));
    expect(summary).toEqual([]);
    expect(model?.domains[0]?.views.map((v) => [v.name, v.async])).toEqual([["latest-deal", true]]);
  });

  const PIPELINE = (edit: (view: string) => string = (v) => v) =>
    domain(
      edit(`  pipeline:
    handler: true
    key: [customerId, stage]
    fields: { customerId: uuid, stage: { enum: [lead, won] }, deals: { type: integer, default: 0 }, note: string? }
    from: [deal.deal-opened]`),
    );

  test("a hand-written view names its key fields and lists its events; it is asynchronous, its key fields leave the row's fields", async () => {
    const { summary, model } = await compileSpec(PIPELINE());
    expect(summary).toEqual([]);
    const view = model?.domains[0]?.views[0];
    expect(view).toMatchObject({ name: "pipeline", async: true, handler: true, key: [{ name: "customerId" }, { name: "stage" }] });
    expect(view?.fields.map((f) => f.name)).toEqual(["deals", "note"]);
    expect(view?.sources.map((s) => [s.on.aggregate, s.on.event, s.operations.length])).toEqual([["deal", "deal-opened", 0]]);
  });

  test.each([
    [
      "a key field that is not a field",
      (v: string) => v.replace("key: [customerId, stage]", "key: [customerId, stag]"),
      /invalid-view-key: .*'stag' is not one of its fields \(did you mean 'stage'\?\)/,
    ],
    [
      "a key that reads a value",
      (v: string) => v.replace("key: [customerId, stage]", "key: $state.customerId"),
      /invalid-view-key: .*names its key fields, and its projector computes/,
    ],
    [
      "an optional key field",
      (v: string) => v.replace("key: [customerId, stage]", "key: [customerId, note]"),
      /invalid-view-key: .*key field 'note' is optional/,
    ],
    [
      "operations per event",
      (v: string) => v.replace("from: [deal.deal-opened]", "from: { deal.deal-opened: { count: [deals] } }"),
      /invalid-view: .*lists its source events/,
    ],
    ["async: false", (v: string) => v.replace("handler: true", "handler: true\n    async: false"), /invalid-view: .*always kept asynchronously/],
    [
      "an unknown event",
      (v: string) => v.replace("from: [deal.deal-opened]", "from: [deal.deal-opend]"),
      /invalid-view: .*'deal-opend'.*did you mean 'deal-opened'/,
    ],
    [
      "a list of events without handler: true",
      (v: string) => v.replace("    handler: true\n", ""),
      /invalid-view: .*a list of events is for a hand-written view/,
    ],
  ])("refused: %s", async (_, edit, expected) => {
    const { summary } = await compileSpec(PIPELINE(edit));
    expect(summary).toEqual([expect.stringMatching(expected)]);
  });

  const OPEN_DEALS = (update: string, async = true) =>
    domain(`  open-deals:
${async ? "    async: true\n" : ""}    key: $state.customerId
    fields: { deals: { type: "uuid[]", default: [] }, total: { type: integer, default: 0 } }
    from:
      deal.deal-opened: ${update}`);

  test("push and pull change array fields with elements of their type, in the log's order only", async () => {
    expect((await compileSpec(OPEN_DEALS("{ push: { deals: $event.streamId } }"))).summary).toEqual([]);
    expect((await compileSpec(OPEN_DEALS("{ pull: { deals: $event.streamId } }"))).summary).toEqual([]);
    expect((await compileSpec(OPEN_DEALS("{ push: { deals: $event.streamId } }", false))).summary).toEqual([
      expect.stringMatching(/invalid-view: .*would push deals.*`async: true`/),
    ]);
    expect((await compileSpec(OPEN_DEALS("{ push: { total: $event.streamId } }"))).summary).toEqual([expect.stringMatching(/non-array-operation: /)]);
    expect((await compileSpec(OPEN_DEALS("{ push: { deals: $event.data.amount } }"))).summary).toEqual([expect.stringMatching(/apply-type-mismatch: /)]);
  });
});
