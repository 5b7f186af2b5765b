/**
 * The domain schema as editors without our language server use it: through yaml-language-server
 * (VS Code's YAML extension and others), offered as `$schema` in the spec's first line. Type names
 * complete where fields are typed, hovers say what a key is (in Markdown), and a name that does not
 * fit reads as a sentence, not a regular expression. The keywords that do this are for editors only:
 * what the schema accepts is unchanged.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { load } from "js-yaml";
import { describe, expect, test } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { getLanguageService, type CompletionList, type MarkupContent } from "yaml-language-server";
import { catalog } from "../../src/diagnostics/catalog.js";
import { PRIMITIVES } from "../../src/model/types.js";
import { AJV_OPTIONS, EDITOR_KEYWORDS } from "../../src/validate/ajv-options.js";
import { fixturesRoot, repoRoot } from "../helpers/fixtures.js";

type Json = { [key: string]: unknown };
const schemaText = readFileSync(path.join(repoRoot, "schemas/domain.schema.json"), "utf8");
const schema = JSON.parse(schemaText) as Json;
const SCHEMA_URI = "file:///fluvius/schemas/domain.schema.json";

const service = getLanguageService({
  schemaRequestService: async (uri: string) => {
    if (uri !== SCHEMA_URI) throw new Error(`no schema at ${uri}`);
    return schemaText;
  },
  workspaceContext: { resolveRelativePath: (relative: string, resource: string) => new URL(relative, resource).href },
});
// The service resolves references in the object it is given: a copy of its own.
service.configure({
  validate: true,
  hover: true,
  completion: true,
  schemas: [{ uri: SCHEMA_URI, fileMatch: ["*.yaml"], schema: JSON.parse(schemaText) as Json }],
});

let documents = 0;
/** The document and the position of `|` in `text` (which is removed). */
function at(text: string): { doc: TextDocument; position: { line: number; character: number } } {
  const offset = text.indexOf("|");
  const doc = TextDocument.create(`file:///project/domains/d${++documents}.yaml`, "yaml", 1, text.replace("|", ""));
  return { doc, position: doc.positionAt(offset) };
}
async function completions(text: string): Promise<CompletionList> {
  const { doc, position } = at(text);
  return service.doComplete(doc, position, false);
}
async function hover(text: string): Promise<string> {
  const { doc, position } = at(text);
  const result = await service.doHover(doc, position);
  return (result?.contents as MarkupContent | undefined)?.value ?? "";
}

const SPEC = (state: string) => `domain: banking
types:
  Money: { type: decimal, scale: 2 }
aggregates:
  account:
    state:
${state}
    actions:
      open: { creates: true, emits: opened }
    events:
      opened: {}
`;

describe("yaml-language-server with the domain schema", () => {
  test.each([
    ["a state field with no type yet", SPEC("      total: |")],
    ["a state field being typed", SPEC("      total: de|")],
    ["a named type", "domain: banking\ntypes:\n  Money: |\n"],
    ["the `type` of a long-form field", SPEC("      total:\n        type: |")],
    ["an action's payload field", "domain: banking\naggregates:\n  account:\n    actions:\n      open:\n        payload:\n          amount: |\n"],
  ])("completes every built-in type name on %s", async (_, text) => {
    const list = await completions(text);
    const labels = list.items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining([...PRIMITIVES]));
    // Each name is documented in the completion list.
    const decimal = list.items.find((i) => i.label === "decimal");
    expect(JSON.stringify(decimal?.documentation ?? "")).toContain("exact decimal");
  });

  test("a hover on an action's `emits` says what `emits` is, not what an event name is", async () => {
    const text = await hover(SPEC("      total: Money").replace("emits: opened", "emits: ope|ned"));
    expect(text).toContain("The event the action records");
    expect(text).not.toContain("An action or event name");
  });

  test("hovers render the Markdown description", async () => {
    const text = await hover(SPEC("      total: Money").replace("{ creates: true", "{ cre|ates: true"));
    const creates = ((((schema.$defs as Json).action as Json).properties as Json).creates as Json).markdownDescription as string;
    expect(creates).toContain("`:new`");
    expect(text).toContain(creates);
  });

  test("fluvius.yaml's schema words its patterns too", async () => {
    const config = readFileSync(path.join(repoRoot, "schemas/config.schema.json"), "utf8");
    const configService = getLanguageService({
      schemaRequestService: async () => config,
      workspaceContext: { resolveRelativePath: (r: string, res: string) => new URL(r, res).href },
    });
    configService.configure({
      validate: true,
      schemas: [{ uri: "file:///fluvius/schemas/config.schema.json", fileMatch: ["fluvius.yaml"], schema: JSON.parse(config) as Json }],
    });
    const doc = TextDocument.create("file:///project/fluvius.yaml", "yaml", 1, "database: { urlEnv: database-url }\n");
    const messages = (await configService.doValidation(doc, false)).map((d) => d.message);
    expect(messages).toEqual([expect.stringContaining("An environment variable name: upper-case letters")]);
  });

  test("a name or type that does not fit is reported in words, not as a pattern", async () => {
    const { doc } = at("domain: Banking\naggregates:\n  Account:\n    state:\n      total: Mon-ey\n      tags: string[]x\n");
    const messages = (await service.doValidation(doc, false)).map((d) => d.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining("A domain name is lower-case letters"),
        expect.stringContaining("Not a type expression: write a built-in type"),
      ]),
    );
    for (const message of messages) expect(message).not.toMatch(/pattern|\^\[/);
  });
});

describe("the editor keywords of the schema", () => {
  const defs = schema.$defs as Record<string, Json>;

  test("the built-in type names offered as completions are the language's, each with a description", () => {
    const builtin = defs.builtinTypeName!;
    expect(builtin.enum).toEqual([...PRIMITIVES]);
    expect((builtin.enumDescriptions as string[]).length).toBe(PRIMITIVES.length);
    expect((builtin.markdownEnumDescriptions as string[]).length).toBe(PRIMITIVES.length);
  });

  const bothSchemas = ["domain.schema.json", "config.schema.json"].map(
    (name) => [name, JSON.parse(readFileSync(path.join(repoRoot, "schemas", name), "utf8")) as Json] as const,
  );

  test.each(bothSchemas)("every description of %s has a markdownDescription beside it, the same text with its Markdown", (_, schema) => {
    const mismatched: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
      if (node === null || typeof node !== "object") return;
      const n = node as Json;
      if (typeof n.description === "string" || typeof n.markdownDescription === "string") {
        if (typeof n.markdownDescription !== "string" || n.description !== n.markdownDescription.replace(/`/g, "")) mismatched.push(where);
      }
      for (const [key, value] of Object.entries(n)) if (key !== "enum" && key !== "default") walk(value, `${where}/${key}`);
    };
    walk(schema, "");
    expect(mismatched).toEqual([]);
  });

  test.each(bothSchemas)("every pattern of %s has a readable patternErrorMessage", (_, schema) => {
    const bare: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
      if (node === null || typeof node !== "object") return;
      const n = node as Json;
      if (typeof n.pattern === "string" && typeof n.patternErrorMessage !== "string") bare.push(where);
      for (const [key, value] of Object.entries(n)) if (key !== "properties" || typeof value === "object") walk(value, `${where}/${key}`);
    };
    walk(schema, "");
    expect(bare).toEqual([]);
  });

  test("they change nothing the schema accepts: every fixture spec gets the same verdict with and without them", () => {
    /** The schema as it validates: no editor keyword, no completion-only anyOf. */
    const strip = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(strip);
      if (node === null || typeof node !== "object") return node;
      const out: Json = {};
      for (const [key, value] of Object.entries(node as Json)) {
        if ((EDITOR_KEYWORDS as readonly string[]).includes(key)) continue;
        out[key] = strip(value);
      }
      return out;
    };
    const bare = strip(schema) as Json;
    const bareDefs = bare.$defs as Record<string, Json>;
    for (const name of ["field", "typeDefinition"]) delete bareDefs[name]!.anyOf;
    delete ((bareDefs.fieldObject!.properties as Json).type as Json).anyOf;
    delete bareDefs.builtinTypeName;
    const compile = (s: Json, editor: boolean) => {
      const ajv = new Ajv2020({ ...AJV_OPTIONS });
      if (editor) ajv.addVocabulary([...EDITOR_KEYWORDS]);
      (addFormats as unknown as (a: Ajv2020) => void)(ajv);
      return ajv.compile(s);
    };
    const withEditor = compile(schema, true);
    const without = compile(bare, false);
    const schemaCodes = Object.entries(catalog)
      .filter(([, e]) => e.stage === "schema")
      .map(([code]) => code);
    let valid = 0;
    let refused = 0;
    for (const kind of ["valid", "invalid"]) {
      for (const name of readdirSync(path.join(fixturesRoot, kind))) {
        const dir = path.join(fixturesRoot, kind, name, "spec");
        if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
        const verdicts: boolean[] = [];
        for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
          let value: unknown;
          try {
            value = load(readFileSync(path.join(dir, file), "utf8"));
          } catch {
            continue; // a YAML syntax fixture: no data to validate
          }
          const verdict = withEditor(value);
          expect(verdict, `${kind}/${name}/${file}`).toBe(without(value));
          verdicts.push(verdict);
        }
        if (kind === "valid") {
          expect(verdicts.every(Boolean), `${name} is valid`).toBe(true);
          valid++;
          continue;
        }
        // An invalid fixture the schema stage refuses is still refused.
        const expected = readFileSync(path.join(fixturesRoot, kind, name, "expected.txt"), "utf8");
        if (schemaCodes.some((code) => expected.includes(` ${code}`))) {
          expect(verdicts.includes(false), `${name} is refused by the schema`).toBe(true);
          refused++;
        }
      }
    }
    expect(valid).toBeGreaterThanOrEqual(8);
    expect(refused).toBeGreaterThanOrEqual(schemaCodes.length);
  });
});
