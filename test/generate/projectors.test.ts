/**
 * Hand-written views' projectors: a domain gets its projectors module once a view has
 * `handler: true`; a written projector survives regeneration byte for byte, a new hand-written
 * view appends its stub, it all type-checks (a change of the wrong shape does not), and a
 * projector whose view is gone is kept and reported.
 */
import path from "node:path";
import { describe, expect, test } from "vitest";
import { fixturesRoot } from "../helpers/fixtures.js";
import { filesUnder, fixtureProject, generateInto } from "../helpers/generate.js";
import { typecheck } from "../helpers/typecheck.js";

const views = path.join(fixturesRoot, "valid/views");
const FILE = "src/domain/sales/_views.ts";

const WRITTEN = `export const projectOrderPipeline: types.OrderPipelineProjector = ({ source, before, after }) => {
  const into = { key: { status: after.status }, count: ["orders" as const], add: { value: after.total } };
  return source === "order.order-placed" ? into : [{ key: { status: before.status }, subtract: { orders: 1 } }, into];
};
`;

describe("hand-written projectors", () => {
  test("a domain without `handler: true` views gets no projectors module", async () => {
    const host = fixtureProject(path.join(fixturesRoot, "valid/catalog"));
    await generateInto(host);
    expect(host.text("src/domain/catalog/_views.ts")).toBeUndefined();
  });

  test("a written projector survives byte for byte; a new hand-written view appends its stub; it all compiles, a wrong change does not", async () => {
    const host = fixtureProject(views);
    await generateInto(host);
    const written = host.text(FILE)!.replace(/export const projectOrderPipeline: types\.OrderPipelineProjector = \(\) => \{[\s\S]*?\n\};\n/, WRITTEN);
    expect(written).toContain("subtract: { orders: 1 }");
    await host.writeFile(`${host.cwd}/${FILE}`, written);

    const spec = host.text("spec/sales.yaml")!;
    const added =
      "  device-names:\n    handler: true\n    key: name\n    fields: { name: string, devices: { type: integer, default: 0 } }\n    from: [device.device-registered]\n\npolicies:";
    await host.writeFile(`${host.cwd}/spec/sales.yaml`, spec.replace("\npolicies:", `\n${added}`));
    const plan = await generateInto(host);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.appended).toEqual([{ path: `${host.cwd}/${FILE}`, names: ["projectDeviceNames"] }]);
    const merged = host.text(FILE)!;
    expect(merged.startsWith(written)).toBe(true);
    expect(merged.slice(written.length)).toContain("export const projectDeviceNames: types.DeviceNamesProjector = () =>");
    expect(host.text("src/generated/sales/_views.ts")).toContain("projectors.projectDeviceNames(");

    const ok = typecheck(new Map([["project", filesUnder(host, "src", { skip: /\.json$/ })]]));
    expect(ok.output).toBe("");
    expect(ok.status).toBe(0);

    // `count` of a decimal field, and a key without its field: type errors.
    await host.writeFile(`${host.cwd}/${FILE}`, merged.replace('count: ["orders" as const]', 'count: ["value" as const]'));
    const wrong = typecheck(new Map([["project", filesUnder(host, "src", { skip: /\.json$/ })]]));
    expect(wrong.status).not.toBe(0);
    expect(wrong.output).toMatch(/_views\.ts.*"value"/);
  }, 90_000);

  test("a projector whose view is gone (or is no longer `handler: true`) is kept and reported", async () => {
    const host = fixtureProject(views);
    await generateInto(host);
    const before = host.text(FILE)!;
    const spec = host.text("spec/sales.yaml")!;
    await host.writeFile(
      `${host.cwd}/spec/sales.yaml`,
      spec.replace(/ {2}order-pipeline:\n( {4}.*\n)+?(?=\npolicies:)/, "").replace(', "order-pipeline:read"', ""),
    );
    const plan = await generateInto(host);
    expect(plan.diagnostics.map((d) => d.code)).toEqual(["orphaned-handler"]);
    expect(plan.diagnostics[0]?.message).toContain("'projectOrderPipeline' is no longer needed: the spec has no `handler: true` view for it any more");
    expect(host.text(FILE)).toBe(before);
  });
});
