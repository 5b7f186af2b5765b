import path from "node:path";
import { expect, test } from "vitest";
import { fixtureCases } from "../helpers/fixtures.js";
import { readTree } from "../helpers/tree.js";
import { typecheck } from "../helpers/typecheck.js";

test("every golden tree (generated code plus fresh handlers) compiles under strict settings", () => {
  const trees = new Map(fixtureCases("valid").map((c) => [c.name, readTree(path.join(c.dir, "expected"))]));
  for (const [name, tree] of trees) expect(tree.size, `${name} has no golden tree`).toBeGreaterThan(0);
  const result = typecheck(trees);
  expect(result.output).toBe("");
  expect(result.status).toBe(0);
}, 120_000);
