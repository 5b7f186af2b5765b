import { describe, expect, test } from "vitest";
import { compile } from "../../src/compile.js";
import { memoryHost } from "../../src/host/memory-host.js";
import { lower } from "../../src/model/lower.js";

const CONFIG = 'specs: ["domains/*.yaml"]\n';

async function compileSpec(spec: string) {
  const result = await compile({ host: memoryHost({ "fluvius.yaml": CONFIG, "domains/crm.yaml": spec }) });
  const summary = result.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.code}: ${d.message}${d.hint === undefined ? "" : ` (${d.hint})`}`);
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
});
