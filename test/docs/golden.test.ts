import path from "node:path";
import { describe, test } from "vitest";
import { fixtureCases } from "../helpers/fixtures.js";
import { expectTree } from "../helpers/tree.js";
import { fixtureDocs } from "./docs-fixture.js";

// The docs of every valid fixture (banking; shop's reactions and timers across two domains;
// views; inbound's external events; …) against fixtures/valid/<case>/docs/. UPDATE=1 rewrites them.
describe("`fluvius docs` output matches the golden pages of every valid fixture", () => {
  test.each(fixtureCases("valid"))("$name", async ({ dir }) => {
    expectTree(await fixtureDocs(dir), path.join(dir, "docs"));
  });
});
