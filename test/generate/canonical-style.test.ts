import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { format } from "prettier";
import { describe, expect, test } from "vitest";
import { syntheticSpec } from "../../bench/synthetic-spec.js";
import { memoryHost } from "../../src/host/memory-host.js";
import { fixtureCases } from "../helpers/fixtures.js";
import { filesUnder, generateInto } from "../helpers/generate.js";

/** Every .ts file under a folder, relative to it. */
function typescriptFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && statSync(path.join(folder, f)).isFile())
    .sort();
}

// fluvius writes generated code without running a formatter: the emitters print it in the
// canonical style, prettier's default settings. This keeps that style clean: every golden
// TypeScript file is exactly what prettier (defaults, nothing configured) makes of it.
describe("golden TypeScript is in the canonical style: prettier's defaults leave it unchanged", () => {
  const cases = fixtureCases("valid").flatMap(({ name, dir }) =>
    typescriptFiles(path.join(dir, "expected")).map((file) => ({ name: `${name}/${file}`, file: path.join(dir, "expected", file) })),
  );
  test("there are golden TypeScript files to check", () => {
    expect(cases.length).toBeGreaterThan(20);
  });
  for (const c of cases) {
    test(c.name, async () => {
      const text = readFileSync(c.file, "utf8");
      // `filepath` picks the TypeScript parser; no config file is read: prettier's defaults.
      expect(await format(text, { filepath: c.file })).toBe(text);
    });
  }
});

// The lab spec has what no fixture has (literal objects in reactions, every kind of value a
// reaction maps, views of every kind): its generated code is held to the same style.
test("code generated from test/generate/specs/lab.yaml is in the canonical style", async () => {
  const lab = readFileSync(path.join(import.meta.dirname, "specs/lab.yaml"), "utf8");
  const host = memoryHost({ "fluvius.yaml": "specs: [spec/*.yaml]\n", "spec/lab.yaml": lab });
  const plan = await generateInto(host);
  expect(plan.diagnostics).toEqual([]);
  const files = [...filesUnder(host, "src/generated")].filter(([file]) => file.endsWith(".ts"));
  expect(files.length).toBeGreaterThan(3);
  for (const [file, text] of files) expect(await format(text, { filepath: file }), file).toBe(text);
});

// The benchmark's synthetic spec: many aggregates, long names, every field kind, several domains.
test("code generated from the benchmark's synthetic spec is in the canonical style", async () => {
  const files: Record<string, string> = {};
  for (const file of syntheticSpec({ aggregates: 12, domains: 2 }).files) files[`domains/${file.path}`] = file.content;
  const host = memoryHost(files);
  const plan = await generateInto(host);
  expect(plan.diagnostics).toEqual([]);
  const generated = [...filesUnder(host, "src")].filter(([file]) => file.endsWith(".ts"));
  expect(generated.length).toBeGreaterThan(20);
  for (const [file, text] of generated) expect(await format(text, { filepath: file }), file).toBe(text);
}, 60_000);

// Long names and values no fixture has: a union that breaks after a member's colon, a default
// that does not fit after its key, a precondition over many values, a long-named action.
const LONG = `domain: long-names
revision: 1
types:
  ShipmentLifecycleStatus: { enum: [awaiting-pickup, picked-up, in-transit, out-for-delivery, delivered, returned-to-sender] }
aggregates:
  shipment-consignment:
    state:
      currentLifecycleStatusOfTheConsignment: { enum: [awaiting-pickup, picked-up, in-transit, out-for-delivery, delivered] }
      typed: ShipmentLifecycleStatus?
      notes: { type: string, default: "a default note that is long enough not to fit after its key on one line" }
    actions:
      register-for-pickup:
        creates: true
        payload: { destinationCountryIsoCode: string, declaredCustomsValueInMinorUnits: integer }
        emits: consignment-registered
      advance:
        when: { currentLifecycleStatusOfTheConsignment: [awaiting-pickup, picked-up, in-transit, out-for-delivery] }
        emits: advanced
    events:
      consignment-registered:
        payload: { destinationCountryIsoCode: string, declaredCustomsValueInMinorUnits: integer }
        apply: { set: { currentLifecycleStatusOfTheConsignment: awaiting-pickup } }
      advanced:
        apply: { set: { currentLifecycleStatusOfTheConsignment: delivered } }
`;

test("long names and values are laid out as prettier lays them out", async () => {
  const host = memoryHost({ "fluvius.yaml": "specs: [spec/*.yaml]\n", "spec/long.yaml": LONG });
  const plan = await generateInto(host);
  expect(plan.diagnostics).toEqual([]);
  const generated = [...filesUnder(host, "src")].filter(([file]) => file.endsWith(".ts"));
  const aggregate = generated.find(([file]) => file.endsWith("shipment-consignment.ts") && file.startsWith("generated"));
  expect(aggregate?.[1]).toContain("  currentLifecycleStatusOfTheConsignment?:\n    | ");
  for (const [file, text] of generated) expect(await format(text, { filepath: file }), file).toBe(text);
});
