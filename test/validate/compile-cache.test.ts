/**
 * Incremental compiles (the language server's CompileCache): after any edit, a compile that
 * reuses the cache reports exactly what a fresh compile of the same files reports, and it does
 * not redo the work of files and domains the edit did not touch.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { reservedNamesRule } from "../../src/check/rules/reserved-names.rule.js";
import { compile } from "../../src/compile.js";
import { CompileCache } from "../../src/compile-cache.js";
import { memoryHost } from "../../src/host/memory-host.js";
import { fixturesRoot } from "../helpers/fixtures.js";

/** The shop fixture as a project: two domains (billing reacts to shop's events) and an integration. */
function shopFiles(): Record<string, string> {
  const dir = path.join(fixturesRoot, "valid/shop");
  const files: Record<string, string> = { "fluvius.yaml": readFileSync(path.join(dir, "fluvius.yaml"), "utf8").replace("spec/**/*.yaml", "domains/*.yaml") };
  for (const name of readdirSync(path.join(dir, "spec"))) files[`domains/${name}`] = readFileSync(path.join(dir, "spec", name), "utf8");
  return files;
}

const summary = (result: Awaited<ReturnType<typeof compile>>) => ({
  diagnostics: result.diagnostics,
  domains: result.domains?.map((d) => d.name),
});

afterEach(() => vi.restoreAllMocks());

describe("a compile with a cache", () => {
  const files = shopFiles();
  const shop = files["domains/shop.yaml"]!;
  const billing = files["domains/billing.yaml"]!;
  // Each step is the project's files after one edit; the cache lives through all of them.
  const edits: [string, Record<string, string>][] = [
    ["as it is", {}],
    ["a domain rule's mistake in shop (an unknown type)", { "domains/shop.yaml": shop.replace("customerId: uuid", "customerId: Uuid") }],
    ["back as it was", {}],
    ["a state field named like a system column in billing", { "domains/billing.yaml": billing.replace(/^(\s+state:\n)/m, "$1      _secret: string?\n") }],
    [
      "shop's event that billing reacts to renamed (billing's reaction now points at nothing)",
      { "domains/shop.yaml": shop.replaceAll("order-cancelled", "order-voided") },
    ],
    ["a YAML syntax error in billing", { "domains/billing.yaml": `${billing}\n  broken: [unclosed\n` }],
    ["a schema mistake in shop", { "domains/shop.yaml": shop.replace("aggregates:", "aggregatez:") }],
    ["both files fixed", {}],
  ];

  test.each(edits.map((e, i) => [i, e[0]] as const))("edit %i (%s): the same diagnostics as a fresh compile", async (index) => {
    const cache = new CompileCache();
    // Replay every edit up to this one through the same cache.
    let cached: Awaited<ReturnType<typeof compile>> | undefined;
    for (const [, changed] of edits.slice(0, index + 1)) cached = await compile({ host: memoryHost({ ...files, ...changed }), cache });
    const fresh = await compile({ host: memoryHost({ ...files, ...edits[index]![1] }) });
    expect(summary(cached!)).toEqual(summary(fresh));
    if (index !== 0 && index !== 2 && index !== 7) expect(fresh.diagnostics.length, "the edit is a mistake").toBeGreaterThan(0);
  });

  test("an edit of one domain parses that file again and runs the domain rules on that domain only", async () => {
    const cache = new CompileCache();
    const before = await compile({ host: memoryHost(files), cache });
    const rule = vi.spyOn(reservedNamesRule, "check");
    const edited = await compile({ host: memoryHost({ ...files, "domains/billing.yaml": billing.replace("description:", "description: edited") }), cache });
    expect(edited.diagnostics).toEqual([]);
    // The file not edited is the very same parsed file; the edited one was parsed again.
    const fileOf = (result: typeof before, domain: string) => result.domains?.find((d) => d.name === domain)?.files[0]?.file;
    expect(fileOf(edited, "shop")).toBe(fileOf(before, "shop"));
    expect(fileOf(edited, "billing")).not.toBe(fileOf(before, "billing"));
    expect(rule.mock.calls.map(([domain]) => domain.name)).toEqual(["billing"]);
    // Without a cache, everything runs.
    await compile({ host: memoryHost(files) });
    expect(rule.mock.calls.map(([domain]) => domain.name)).toEqual(["billing", "billing", "shop"]);
  });
});
