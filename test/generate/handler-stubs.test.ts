import path from "node:path";
import { describe, expect, test } from "vitest";
import { fixturesRoot } from "../helpers/fixtures.js";
import { fixtureProject, generateInto } from "../helpers/generate.js";

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
});
