import path from "node:path";
import { describe, expect, test } from "vitest";
import { fixtureCases } from "../helpers/fixtures.js";
import { filesUnder, fixtureProject, generateInto } from "../helpers/generate.js";
import { expectTree } from "../helpers/tree.js";

describe("generated code matches the golden tree of every valid fixture", () => {
  test.each(fixtureCases("valid"))("$name", async ({ dir }) => {
    const host = fixtureProject(dir);
    const plan = await generateInto(host);
    expect(plan.diagnostics).toEqual([]);
    // The manifest holds hashes of the output: golden trees keep what people read.
    expectTree(filesUnder(host, "src", { skip: /\.fluvius-manifest\.json$/ }), path.join(dir, "expected"));
  });
});
