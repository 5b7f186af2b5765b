/**
 * Generated reactions are type-checked code: every value a reaction may map compiles, and a
 * mapping of the wrong type (which validate refuses, but a bug in the generator could still
 * produce) fails tsc on the generated module, because each payload `satisfies` its action's type.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { compile } from "../../src/compile.js";
import { typescriptEmitter } from "../../src/emit/typescript/emitter.js";
import type { Model, ReactionModel } from "../../src/model/model.js";
import { lower } from "../../src/model/lower.js";
import { fixturesRoot } from "../helpers/fixtures.js";
import { filesUnder, fixtureProject, generateInto } from "../helpers/generate.js";
import { memoryHost } from "../../src/host/memory-host.js";
import { readTree } from "../helpers/tree.js";
import { typecheck } from "../helpers/typecheck.js";

const shop = path.join(fixturesRoot, "valid/shop");
const lab = readFileSync(path.join(import.meta.dirname, "specs/lab.yaml"), "utf8");

function codes(plan: { diagnostics: readonly { code: string }[] }) {
  return plan.diagnostics.map((d) => d.code);
}

describe("generated reactions compile", () => {
  test("every kind of value a reaction maps: envelope fields, optional paths, $item, literals, json, null, forEach over an optional list", async () => {
    const host = memoryHost({ "fluvius.yaml": "specs: [spec/*.yaml]\n", "spec/lab.yaml": lab });
    const plan = await generateInto(host);
    expect(plan.diagnostics).toEqual([]);
    const reactions = host.text("src/generated/lab/_reactions.ts") ?? "";
    // Nullable envelope fields: an absent actor is "" in a required field, absent in an optional one;
    // an event without a correlation id is its own correlation.
    expect(reactions).toContain('by: event.actorId ?? ""');
    expect(reactions).toContain("byMaybe: event.actorId ?? undefined");
    expect(reactions).toContain("correlation: event.correlationId ?? event.eventId");
    expect(reactions).toContain("city: event.event.data.address?.city");
    // Literals in the runtime's one spelling; a null leaves the optional field out.
    expect(reactions).toContain('fixed: "5.00"');
    expect(reactions).toContain('fixed: "1.50"');
    expect(reactions).toContain('eventId: "6f1c2b9e-1d3a-4b5c-8d7e-9f0a1b2c3d4e"');
    expect(reactions).toContain('at: "2030-01-01T09:00:00.000Z"');
    expect(reactions).not.toContain("nothing");
    expect(reactions).toContain('addr: { city: "Oslo" }');
    expect(reactions).toContain("(event.event.data.extra ?? []).map(() =>");
    expect(reactions).toMatch(/commands: \(\) => \[/);
    expect(reactions).toContain("isOneOf(event.event.data.priority, [1, null])");
    // A reaction named like a keyword gets a suffixed reactor.
    expect(reactions).toContain("reactors.newReactor");
    expect(host.text("src/domain/lab/_reactions.ts")).toContain("export const newReactor: types.NewReactor = () =>");

    const result = typecheck(new Map([["project", filesUnder(host, "src", { skip: /\.json$/ })]]));
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  }, 60_000);

  test("a payload mapped with the wrong type, a missing field or an unknown one fails tsc on the generated module", async () => {
    const compiled = await compile({ host: fixtureProject(shop) });
    expect(compiled.diagnostics).toEqual([]);
    const model = lower(compiled.domains ?? []);
    // What validate would refuse, forced into the model: a string (the sku) into the integer
    // `quantity`; `reason` left out of order:cancel; a field order:cancel does not have.
    const broken = editReactions(model, "shop", (r) => {
      if (r.effect.kind !== "command") return r;
      if (r.name === "reserve-stock") {
        return {
          ...r,
          effect: { ...r.effect, payload: r.effect.payload.map((p) => (p.field === "quantity" ? { ...p, value: { kind: "item", path: ["sku"] } } : p)) },
        };
      }
      if (r.name === "cancel-on-shortage") return { ...r, effect: { ...r.effect, payload: [] } };
      if (r.name === "expire-unconfirmed")
        return { ...r, effect: { ...r.effect, payload: [...r.effect.payload, { field: "note", value: { kind: "literal", value: "x" } }] } };
      return r;
    });
    const files = typescriptEmitter.emit({ model: broken, config: compiled.config!, sources: new Map() });
    const module = files.find((f) => f.path === "shop/_reactions.ts");
    expect(module).toBeDefined();
    const tree = readTree(path.join(shop, "expected"));
    tree.set("generated/shop/_reactions.ts", module!.render());

    const result = typecheck(new Map([["shop", tree]]));
    expect(result.status).not.toBe(0);
    const errors = result.output.split("\n").filter((l) => l.includes("error TS"));
    expect(errors.every((e) => e.startsWith("shop/generated/shop/_reactions.ts"))).toBe(true);
    expect(errors.join("\n")).toContain("Type 'string' is not assignable to type 'number'");
    expect(errors.join("\n")).toContain("does not satisfy the expected type 'CancelPayload'");
    expect(result.output).toContain("Property 'reason' is missing");
    expect(errors.join("\n")).toMatch(/'note' does not exist in type 'CancelPayload'/);
    expect(errors).toHaveLength(3);
  }, 60_000);
});

describe("hand-written reactors", () => {
  test("a domain without `handler: true` reactions gets no reactors module", async () => {
    const host = fixtureProject(path.join(fixturesRoot, "valid/banking"));
    await generateInto(host);
    expect(host.text("src/domain/banking/_reactions.ts")).toBeUndefined();
    // Its reactions (the dormant-account timer) are all generated: nothing to hand-write.
    expect(host.text("src/generated/banking/_reactions.ts")).not.toContain("Reactor = (");
    expect(host.text("src/generated/banking/_messages.ts")).toContain("export type BankingCommand =");
  });

  test("a written reactor survives byte for byte; a new `handler: true` reaction appends its stub, and it all compiles", async () => {
    const host = fixtureProject(shop);
    await generateInto(host);
    const file = "src/domain/shop/_reactions.ts";
    const written = host
      .text(file)!
      .replace(
        /export const largeOrderReview: types\.LargeOrderReviewReactor = \(\) => \{[\s\S]*?\n\};\n/,
        'export const largeOrderReview: types.LargeOrderReviewReactor = (event) => [\n  { aggregate: "order", action: "confirm", streamId: event.streamId, payload: {} },\n];\n',
      );
    expect(written).toContain('action: "confirm"');
    await host.writeFile(`${host.cwd}/${file}`, written);

    const spec = host.text("spec/shop.yaml")!;
    await host.writeFile(
      `${host.cwd}/spec/shop.yaml`,
      spec.replace("  notify-shipped:\n", "  review-cancellation:\n    on: order.order-cancelled\n    handler: true\n  notify-shipped:\n"),
    );
    const plan = await generateInto(host);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.appended).toEqual([{ path: `${host.cwd}/${file}`, names: ["reviewCancellation"] }]);
    const merged = host.text(file)!;
    expect(merged.startsWith(written)).toBe(true);
    expect(merged.slice(written.length)).toContain("export const reviewCancellation: types.ReviewCancellationReactor = () =>");
    expect(merged.slice(written.length)).toContain('"reviewCancellation"');
    expect(host.text("src/generated/shop/_reactions.ts")).toContain("commands: reactors.reviewCancellation");

    const result = typecheck(new Map([["project", filesUnder(host, "src", { skip: /\.json$/ })]]));
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  }, 60_000);

  test("a reactor whose reaction is gone (or is no longer `handler: true`) is kept and reported", async () => {
    const host = fixtureProject(shop);
    await generateInto(host);
    const file = "src/domain/shop/_reactions.ts";
    const before = host.text(file)!;
    const spec = host.text("spec/shop.yaml")!;
    await host.writeFile(`${host.cwd}/spec/shop.yaml`, spec.replace(/ {2}large-order-review:\n( {4}.*\n)+?(?= {2}bill-order:)/, ""));
    const plan = await generateInto(host);
    expect(codes(plan)).toEqual(["orphaned-handler"]);
    const orphan = plan.diagnostics[0]!;
    expect(orphan.range.file).toBe(file);
    expect(orphan.message).toContain("'largeOrderReview' is no longer needed: the spec has no `handler: true` reaction for it any more");
    expect(host.text(file)).toBe(before);
    // The next run, with nothing changed, says it again.
    expect(codes(await generateInto(host))).toEqual(["orphaned-handler"]);
  });
});

/** The model with one domain's reactions changed (the model is plain readonly data). */
function editReactions(model: Model, domain: string, edit: (reaction: ReactionModel) => ReactionModel): Model {
  return { ...model, domains: model.domains.map((d) => (d.name === domain ? { ...d, reactions: d.reactions.map(edit) } : d)) };
}
