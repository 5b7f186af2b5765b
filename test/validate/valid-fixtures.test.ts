import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { compile } from "../../src/compile.js";
import { nodeHost } from "../../src/host/node-host.js";
import { scaffold } from "../../src/init/scaffold.js";
import { diagnosticLines, fixtureCases, fixturesRoot } from "../helpers/fixtures.js";

describe("valid fixtures validate without a single diagnostic", () => {
  test.each(fixtureCases("valid"))("$name", async ({ dir }) => {
    const result = await compile({ host: nodeHost(dir), inputs: ["spec"] });
    expect(diagnosticLines(result.diagnostics)).toEqual([]);
    expect(result.domains?.length).toBeGreaterThan(0);
  });

  test("the product's pitch domains are among them, and one spans several files", async () => {
    const names = fixtureCases("valid").map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["banking", "ecommerce", "iot", "split-domain"]));
    const split = await compile({ host: nodeHost(path.join(fixturesRoot, "valid/split-domain")), inputs: ["spec"] });
    expect(split.domains).toHaveLength(1);
    expect(split.domains?.[0]?.files.length).toBeGreaterThan(1);
  });
});

test("`fluvius init` scaffolds the banking fixture (only the schema path differs)", () => {
  const scaffolded = scaffold({ name: "x", dependencies: { fluvius: "^0.0.0", runtime: "^0.0.0" } }).find((f) => f.path === "domains/banking.yaml");
  const fixture = readFileSync(path.join(fixturesRoot, "valid/banking/spec/banking.yaml"), "utf8");
  const withoutHeader = (text: string) => text.replace(/^# yaml-language-server: .*\n/, "");
  expect(scaffolded).toBeDefined();
  expect(withoutHeader(scaffolded!.content)).toBe(withoutHeader(fixture));
});
