import path from "node:path";
import { describe, expect, test } from "vitest";
import { compareModels, type Subject } from "../../src/breaking/compare.js";
import { reportFindings } from "../../src/breaking/report.js";
import { DiagnosticCollector } from "../../src/diagnostics/collector.js";
import { compile } from "../../src/compile.js";
import { renderDocs } from "../../src/docs/index.js";
import type { EmitContext } from "../../src/emit/emitter.js";
import { emitters } from "../../src/generate/generate.js";
import type { MemoryHost } from "../../src/host/memory-host.js";
import { planMigration } from "../../src/migrate/plan.js";
import { MODEL_FORMAT_VERSION, ModelJsonError, readModelJson, writeModelJson } from "../../src/model/json.js";
import { lower } from "../../src/model/lower.js";
import type { Model } from "../../src/model/model.js";
import { fixtureCases, fixturesRoot } from "../helpers/fixtures.js";
import { fixtureProject } from "../helpers/generate.js";
import { evolutionSpecs, mustMigrate, project, setSpecs } from "../migrate/helpers/project.js";

async function modelOf(host: MemoryHost) {
  const compiled = await compile({ host });
  expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  if (!compiled.domains || !compiled.config) throw new Error("the fixture must be valid");
  const sources = new Map(compiled.domains.map((d) => [d.name, d.files.map((f) => f.file.displayPath)]));
  return { model: lower(compiled.domains), config: compiled.config, sources };
}

const roundTrip = (model: Model) => readModelJson(writeModelJson(model));

/** Everything the back ends make of a model: the generated tree, the docs page, the first migration. */
async function outputOf(model: Model, context: Omit<EmitContext, "model">, host: MemoryHost) {
  const files = emitters.flatMap((e) => e.emit({ ...context, model })).map((f) => [f.path, f.render()] as const);
  const migration = await planMigration({ host, config: context.config, model, slug: "init", allowDestructive: false });
  return { files: new Map(files), docs: renderDocs({ model }, "markdown"), migration };
}

/** Properties whose value is `undefined`: JSON drops them, so a back end testing `in` would see a difference. */
function undefinedProperties(value: unknown, at = "model"): string[] {
  if (Array.isArray(value)) return value.flatMap((v: unknown, i) => undefinedProperties(v, `${at}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [`${at}.${k}`] : undefinedProperties(v, `${at}.${k}`)));
}

describe("the model read back from its JSON makes the same output", () => {
  test.each(fixtureCases("valid"))("$name", async ({ dir }) => {
    const host = fixtureProject(dir);
    const { model, config, sources } = await modelOf(host);
    const json = writeModelJson(model);
    const back = readModelJson(json);
    expect(writeModelJson(back)).toBe(json);
    expect(undefinedProperties(model)).toEqual([]);
    const before = await outputOf(model, { config, sources }, host);
    expect(before.files.size).toBeGreaterThan(0);
    expect(await outputOf(back, { config, sources }, host)).toEqual(before);
    expect(compareModels(model, back)).toEqual([]);
  });

  test("control: a read-back model that lost an aggregate makes another tree (the comparison can fail)", async () => {
    const host = fixtureProject(path.join(fixturesRoot, "valid/banking"));
    const { model, config, sources } = await modelOf(host);
    const back = roundTrip(model);
    const [first, ...rest] = back.domains;
    if (!first) throw new Error("banking has a domain");
    const damaged: Model = { ...back, domains: [{ ...first, aggregates: first.aggregates.slice(1) }, ...rest] };
    expect((await outputOf(damaged, { config, sources }, host)).files).not.toEqual((await outputOf(model, { config, sources }, host)).files);
  });

  test.each(["v2", "v3"] as const)("the migration after v1 of the evolution specs, diagnostics included (%s)", async (version) => {
    const host = project(evolutionSpecs("v1"));
    await mustMigrate(host, "init");
    setSpecs(host, evolutionSpecs(version));
    const { model, config } = await modelOf(host);
    const back = roundTrip(model);
    for (const allowDestructive of [false, true]) {
      const plan = await planMigration({ host, config, model, slug: "next", allowDestructive });
      expect(plan.status).not.toBe("unchanged");
      expect(await planMigration({ host, config, model: back, slug: "next", allowDestructive })).toEqual(plan);
    }
  });
});

describe("sites", () => {
  type Range = { file: string; start: { line: number; column: number }; end: { line: number; column: number } };
  const at = (range: Range) => `${range.file}:${range.start.line}:${range.start.column}`;
  const span = (range: Range) => `${at(range)}-${range.end.line}:${range.end.column}`;

  test("point at the declaration in its file, and survive the JSON", async () => {
    const { model } = await modelOf(fixtureProject(path.join(fixturesRoot, "valid/banking")));
    for (const m of [model, roundTrip(model)]) {
      const banking = m.domains.find((d) => d.name === "banking");
      const account = banking?.aggregates.find((a) => a.name === "account");
      if (!banking || !account) throw new Error("banking has the account aggregate");
      expect(at(banking.site.range)).toBe("spec/banking.yaml:2:9");
      // The whole document of the domain's file, not the `domain` key that starts it.
      expect(span(banking.site.inner)).toBe("spec/banking.yaml:2:1-82:1");
      expect(span(account.site.range)).toBe("spec/banking.yaml:13:3-13:10");
      expect(span(account.site.inner)).toBe("spec/banking.yaml:14:5-57:1");
      expect(account.sections.state && at(account.sections.state.range)).toBe("spec/banking.yaml:16:5");
      expect(at(account.state.find((f) => f.name === "balance")?.site.range ?? banking.site.range)).toBe("spec/banking.yaml:19:7");
      const withdrawn = account.events.find((e) => e.name === "withdrawal-made");
      expect(withdrawn && at(withdrawn.site.range)).toBe("spec/banking.yaml:49:7");
      expect(withdrawn?.payloadSite && span(withdrawn.payloadSite.inner)).toBe("spec/banking.yaml:51:18-51:55");
      expect(at(withdrawn?.payload.find((f) => f.name === "reference")?.site.range ?? banking.site.range)).toBe("spec/banking.yaml:51:35");
      const freeze = account.actions.find((a) => a.name === "freeze");
      expect(freeze && at(freeze.site.range)).toBe("spec/banking.yaml:36:7");
      expect(freeze?.payloadSite).toBeUndefined();
      expect(banking.reactions[0] && at(banking.reactions[0].site.range)).toBe("spec/banking.yaml:59:3");
    }
  });

  test("a finding about what is no longer declared points at the nearest node that is, in the model read back too", async () => {
    const { model, config } = await modelOf(fixtureProject(path.join(fixturesRoot, "valid/banking")));
    const where = (m: Model, subject: Subject) => {
      const diagnostics = new DiagnosticCollector();
      reportFindings([{ code: "event-removed", subject, detail: "" }], m, config, diagnostics);
      const range = diagnostics.sorted()[0]?.range;
      return range && span(range);
    };
    const cases: [Subject, string][] = [
      [{ domain: "banking", aggregate: "account", section: "events", name: "gone" }, "spec/banking.yaml:43:7-57:1"],
      [{ domain: "banking", aggregate: "account", section: "events", name: "withdrawal-made", field: ["gone"] }, "spec/banking.yaml:51:18-51:55"],
      [{ domain: "banking", aggregate: "account", section: "actions", name: "freeze", field: ["gone"] }, "spec/banking.yaml:37:9-39:1"],
      [{ domain: "banking", aggregate: "account", section: "state", name: "address", field: ["city"] }, "spec/banking.yaml:21:7-21:14"], // a field written as a scalar: its key
      [{ domain: "banking", aggregate: "gone" }, "spec/banking.yaml:2:1-82:1"],
      [{ domain: "gone" }, "fluvius.yaml:1:1-2:1"],
    ];
    for (const m of [model, roundTrip(model)]) for (const [subject, expected] of cases) expect(where(m, subject), JSON.stringify(subject)).toBe(expected);
  });

  test("of a domain split over files point into the file that declares the node", async () => {
    const { model } = await modelOf(fixtureProject(path.join(fixturesRoot, "valid/split-domain")));
    const files = new Set(model.domains.flatMap((d) => d.aggregates.map((a) => a.site.range.file)));
    expect([...files].sort()).toEqual(["spec/appointment.yaml", "spec/patient.yaml"]);
  });
});

describe("readModelJson", () => {
  const envelope = (fields: Record<string, unknown>) =>
    JSON.stringify({ format: "fluvius-model", version: MODEL_FORMAT_VERSION, model: { kind: "model", domains: [] }, ...fields });

  test("reads an empty model", () => {
    expect(readModelJson(envelope({}))).toEqual({ kind: "model", domains: [] });
  });

  test("refuses another format version with a message that says so", () => {
    expect(() => readModelJson(envelope({ version: 0 }))).toThrow(ModelJsonError);
    expect(() => readModelJson(envelope({ version: 0 }))).toThrow(
      `the model file has format version 0; this fluvius reads version ${MODEL_FORMAT_VERSION} only`,
    );
    expect(() => readModelJson(envelope({ version: MODEL_FORMAT_VERSION + 1 }))).toThrow(/format version 2/);
  });

  test("refuses what is not a model file, or a damaged one, with a message, not a crash", () => {
    expect(() => readModelJson("{ nope")).toThrow(/not a model file: it is not JSON/);
    expect(() => readModelJson(JSON.stringify({ openapi: "3.1.0" }))).toThrow(/not a model file: it has no "format": "fluvius-model"/);
    expect(() => readModelJson(envelope({ model: { kind: "model" } }))).toThrow("not a valid model file: model.domains is not a list");
    const domain = {
      kind: "domain",
      name: "shop",
      site: {},
      types: [],
      aggregates: [{ kind: "aggregate", name: "order", site: {}, actions: [], events: [{ name: "x" }] }],
      roles: [],
      rules: [],
      reactions: [],
      externals: [],
      views: [],
      reactionRules: [],
    };
    expect(() => readModelJson(envelope({ model: { kind: "model", domains: [domain] } }))).toThrow(
      'not a valid model file: model.domains[0].aggregates[0].events[0] is not of kind "event"',
    );
  });

  test("refuses to write what JSON cannot hold", () => {
    const model = { kind: "model", domains: [{ revision: Number.POSITIVE_INFINITY }] } as unknown as Model;
    expect(() => writeModelJson(model)).toThrow(/revision: Infinity has no JSON form/);
  });
});
