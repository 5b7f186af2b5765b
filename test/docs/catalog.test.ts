import path from "node:path";
import { expect, test } from "vitest";
import { renderDocs } from "../../src/docs/index.js";
import { projectDocsInput } from "../../src/docs/project.js";
import { fixturesRoot } from "../helpers/fixtures.js";
import { fixtureProject } from "../helpers/generate.js";

const banking = path.join(fixturesRoot, "valid", "banking");
const lock = {
  lockVersion: 1,
  events: {
    "banking.account.withdrawal-made": {
      "1": { amount: { type: "decimal", constraints: { scale: 2 } } },
      "2": { amount: { type: "decimal" }, reference: { type: "string", optional: true } },
    },
  },
};

async function markdownOf(extra: Record<string, string>): Promise<string> {
  const project = await projectDocsInput(fixtureProject(banking, extra));
  if (!project.ok) throw new Error(project.diagnostics.map((d) => d.message).join("; "));
  return renderDocs(project.input, "markdown");
}

test("the catalog lists an event's earlier versions from fluvius.lock.json", async () => {
  const markdown = await markdownOf({ "fluvius.lock.json": JSON.stringify(lock) });
  expect(markdown).toContain("- Versions: 1, 2; stored events of earlier versions are upcast when read.");
  expect(markdown).toContain("Version 1 (fluvius.lock.json): `amount: decimal`.");
  // Only earlier versions: the current one is the payload table.
  expect(markdown).not.toContain("Version 2 (fluvius.lock.json)");
});

test("an unreadable lock is left to `fluvius breaking`: the docs list no earlier versions", async () => {
  const markdown = await markdownOf({ "fluvius.lock.json": "{ not json" });
  expect(markdown).not.toContain("(fluvius.lock.json)");
  expect(markdown).toBe(await markdownOf({}));
});
