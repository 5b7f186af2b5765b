import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { compile } from "../../src/compile.js";
import { readFileSync, writeFileSync } from "node:fs";
import { catalog, SPEC_STAGES } from "../../src/diagnostics/catalog.js";
import { formatText } from "../../src/diagnostics/format/text.js";
import { diagnosticLines, fixtureCases, fixtureHost, fixtureSettings, readExpectedLines, updating, writeExpectedLines } from "../helpers/fixtures.js";

const cases = fixtureCases("invalid");

/** Runs one invalid fixture the way `fluvius validate` would in its folder. */
async function diagnose(dir: string) {
  const settings = fixtureSettings(dir);
  const hasConfig = existsSync(path.join(dir, "fluvius.yaml"));
  return compile({
    host: fixtureHost(dir, settings),
    inputs: hasConfig ? [] : ["spec"],
    ...(settings.maxFileBytes === undefined ? {} : { maxFileBytes: settings.maxFileBytes }),
  });
}

describe("invalid fixtures report exactly their expected diagnostics", () => {
  test.each(cases)("$name", async ({ name, dir }) => {
    const result = await diagnose(dir);
    const actual = diagnosticLines(result.diagnostics);
    const expectedFile = path.join(dir, "expected.txt");
    if (updating) writeExpectedLines(expectedFile, actual);
    const expected = readExpectedLines(expectedFile);
    expect(expected, `${name}/expected.txt is missing; run UPDATE=1 npm test and review it`).toBeDefined();
    expect(actual).toEqual(expected);
    // The fixture named after a code proves that code.
    expect(
      actual.map((l) => l.split(" ")[2]),
      `fixture '${name}' does not report '${name}'`,
    ).toContain(name);
  });
});

describe("invalid fixtures print exactly their expected text (message, hint, related locations, code frame)", () => {
  test.each(cases)("$name", async ({ name, dir }) => {
    const result = await diagnose(dir);
    const actual = `${formatText(result.diagnostics, { color: false, sources: result.sources })}\n`;
    const expectedFile = path.join(dir, "expected-text.txt");
    if (updating) writeFileSync(expectedFile, actual);
    expect(existsSync(expectedFile), `${name}/expected-text.txt is missing; run UPDATE=1 npm test and review it`).toBe(true);
    expect(actual).toBe(readFileSync(expectedFile, "utf8"));
  });
});

test("every catalog code of the spec stages has an invalid fixture that reports it", () => {
  const proven = new Set(cases.map((c) => c.name));
  // generate and migrate codes are proven by those commands' own tests.
  const specCodes = Object.entries(catalog)
    .filter(([, entry]) => SPEC_STAGES.includes(entry.stage))
    .map(([code]) => code);
  const missing = specCodes.filter((code) => !proven.has(code));
  expect(missing, "catalog codes without a fixture in fixtures/invalid/<code>/").toEqual([]);
});
