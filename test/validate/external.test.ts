import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { compile } from "../../src/compile.js";
import { memoryHost } from "../../src/host/memory-host.js";
import { lower } from "../../src/model/lower.js";
import { fixturesRoot } from "../helpers/fixtures.js";

async function compileProject(files: Record<string, string>) {
  const result = await compile({ host: memoryHost(files) });
  const summary = result.diagnostics.map(
    (d) => `${d.range.file}:${d.range.start.line}:${d.range.start.column} ${d.code}: ${d.message}${d.hint === undefined ? "" : ` (${d.hint})`}`,
  );
  return { summary, model: result.domains ? lower(result.domains) : undefined };
}

/** The inbound fixture (a ledger hearing the shop's public events) as a project. */
function inboundFixture(): Record<string, string> {
  const dir = path.join(fixturesRoot, "valid/inbound");
  const files: Record<string, string> = { "fluvius.yaml": readFileSync(path.join(dir, "fluvius.yaml"), "utf8").replace("spec/**/*.yaml", "domains/*.yaml") };
  for (const name of readdirSync(path.join(dir, "spec"))) files[`domains/${name}`] = readFileSync(path.join(dir, "spec", name), "utf8");
  return files;
}

describe("external events", () => {
  test("are lowered with their broker, subject and payload; reactions hear them as the domain's `external` stream", async () => {
    const { summary, model } = await compileProject(inboundFixture());
    expect(summary).toEqual([]);
    const ledger = model?.domains.find((d) => d.name === "ledger");
    expect(ledger?.externals.map((e) => [e.name, e.integration, e.subject, e.payload.map((f) => f.name)])).toEqual([
      ["order-placed", "shop-broker", "shop.shop.order.order-placed", ["customerId", "lines", "total"]],
      ["order-shipped", "shop-broker", "shop.shop.order.order-shipped", ["trackingNumber"]],
    ]);
    expect(ledger?.reactions.find((r) => r.name === "open-invoice")?.on).toEqual({ domain: "ledger", aggregate: "external", event: "order-placed" });
  });

  test("a reaction's mapping is type-checked against the external event's payload", async () => {
    const files = inboundFixture();
    files["domains/ledger.yaml"] = (files["domains/ledger.yaml"] ?? "").replace("amount: $event.data.total", "amount: $event.data.totl");
    const { summary } = await compileProject(files);
    expect(summary).toEqual([
      expect.stringMatching(
        /^domains\/ledger\.yaml:\d+:\d+ unknown-event-field: 'totl' is not a field of the data of event 'order-placed'\. Did you mean 'total'\?/,
      ),
    ]);
  });

  test("another domain's external events are named <domain>.external.<name>", async () => {
    const files = inboundFixture();
    files["domains/audit.yaml"] = [
      "domain: audit",
      "aggregates:",
      "  entry:",
      "    state: { note: string }",
      "    actions: { write: { creates: true, payload: { note: string }, emits: written } }",
      "    events: { written: { payload: { note: string }, apply: { set: { note: $payload.note } } } }",
      "reactions:",
      "  log-shipment: { on: ledger.external.order-shipped, do: entry:write, id: new, payload: { note: $event.data.trackingNumber } }",
      "policies: { rules: [{ reaction: log-shipment, allow: [entry:write] }] }",
      "",
    ].join("\n");
    const { summary, model } = await compileProject(files);
    expect(summary).toEqual([]);
    expect(model?.domains.find((d) => d.name === "audit")?.reactions[0]?.on).toEqual({ domain: "ledger", aggregate: "external", event: "order-shipped" });
  });

  test("`external:` in fluvius.yaml (its first spelling) is refused with a hint naming where it goes", async () => {
    const { summary } = await compileProject({ "fluvius.yaml": "external:\n  order-placed: { subject: shop.order }\n", "domains/a.yaml": "domain: a\n" });
    expect(summary).toEqual([
      expect.stringMatching(/^fluvius\.yaml:1:1 unknown-key: Unknown key 'external' in the top level\. \(External events are declared in a domain spec/),
    ]);
  });

  test("a domain's external event names may not collide with its named types in the generated index", async () => {
    const files = inboundFixture();
    files["domains/ledger.yaml"] = (files["domains/ledger.yaml"] ?? "").replace("types:\n", "types:\n  OrderShippedExternalData: { fields: { x: string } }\n");
    const { summary } = await compileProject(files);
    expect(summary).toEqual([expect.stringContaining("name-collision")]);
  });
});
