import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { compile } from "../../src/compile.js";
import { isCode } from "../../src/diagnostics/catalog.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { memoryHost } from "../../src/host/memory-host.js";
import { fixturesRoot } from "../helpers/fixtures.js";
import { seededRandom } from "../helpers/random.js";

/** Compiles one in-memory file; bad input must come back as diagnostics, never as an exception. */
async function validateBytes(content: string | Uint8Array) {
  const host = memoryHost({ "domains/spec.yaml": content });
  return compile({ host });
}

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}

function expectWellFormed(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    expect(isCode(d.code), `unknown code ${d.code}`).toBe(true);
    expect(d.range.start.line).toBeGreaterThanOrEqual(1);
    expect(d.range.start.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

describe("hostile and broken input yields a diagnostic, never a crash or a hang", () => {
  const cases: [string, string | Uint8Array, string][] = [
    ["an empty file", "", "empty-file"],
    ["only comments", "# nothing here\n", "empty-file"],
    ["binary garbage", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10, 0x00]), "binary-file"],
    ["non-UTF-8 bytes", Uint8Array.from([...Buffer.from("domain: caf"), 0xe9, 0x0a]), "invalid-encoding"],
    ["a truncated UTF-8 sequence", Uint8Array.from([...Buffer.from("domain: x"), 0xe2, 0x82]), "invalid-encoding"],
    ["deep nesting", `domain: x\ndescription: ${"[".repeat(5000)}${"]".repeat(5000)}\n`, "nesting-too-deep"],
    ["duplicate map keys", "domain: a\ndomain: b\n", "duplicate-key"],
    ["tabs for indentation", "domain: a\naggregates:\n\tx: {}\n", "tab-indentation"],
    ["a scalar document", "just a string\n", "wrong-type"],
    ["a list document", "- domain: a\n", "wrong-type"],
    ["an unknown YAML tag", "domain: !!binary aGVsbG8=\n", "wrong-type"],
  ];
  test.each(cases)("%s", async (_, content, code) => {
    const result = await validateBytes(content);
    expect(codes(result.diagnostics)).toContain(code);
    expectWellFormed(result.diagnostics);
  });

  test("an alias bomb (billion laughs) is refused quickly", async () => {
    const lines = ["domain: x", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(",")}]`,
      );
    const result = await validateBytes(lines.join("\n"));
    expect(codes(result.diagnostics)).toEqual(["too-many-aliases"]);
  });

  test("a 10 MB file is refused by size before it is parsed", async () => {
    const big = `domain: x\ndescription: "${"x".repeat(10 * 1024 * 1024)}"\n`;
    const result = await validateBytes(big);
    expect(codes(result.diagnostics)).toEqual(["file-too-large"]);
  });

  test("a folder with no specs", async () => {
    const host = memoryHost({ "specs/readme.txt": "nothing" });
    const result = await compile({ host, inputs: ["specs"] });
    expect(codes(result.diagnostics)).toEqual(["no-spec-files"]);
  });

  test("a path that does not exist", async () => {
    const result = await compile({ host: memoryHost({}), inputs: ["nope.yaml"] });
    expect(codes(result.diagnostics)).toEqual(["path-not-found"]);
    expect(result.diagnostics[0]?.range.file).toBe("nope.yaml");
  });

  test("no fluvius.yaml and no domains folder", async () => {
    const result = await compile({ host: memoryHost({}) });
    expect(codes(result.diagnostics)).toEqual(["no-spec-files"]);
  });
});

/** Mutations that keep a text looking like YAML, so the fuzzer reaches the later stages too. */
const TOKENS = [
  ":",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "&a ",
  "*a",
  "!!str ",
  "|",
  ">",
  "'",
  '"',
  "#",
  "\t",
  "\n",
  "  ",
  "$payload.x",
  "null",
  "~",
  "1e999",
  "-1",
  "true",
  "???",
  "\u0000",
  "\uFEFF",
  "é",
  "\\u00e9",
  "%YAML 1.1\n---\n",
];

function mutate(text: string, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const at = () => Math.floor(random() * (text.length + 1));
  const lines = text.split("\n");
  switch (Math.floor(random() * 9)) {
    case 0: {
      const i = at();
      return text.slice(0, i) + pick(TOKENS) + text.slice(i);
    }
    case 1: {
      const i = at();
      return text.slice(0, i) + text.slice(i + 1 + Math.floor(random() * 20));
    }
    case 2: {
      const i = Math.floor(random() * lines.length);
      lines.splice(i, 0, lines[Math.floor(random() * lines.length)] ?? "");
      return lines.join("\n");
    }
    case 3: {
      const i = Math.floor(random() * lines.length);
      lines.splice(i, 1);
      return lines.join("\n");
    }
    case 4: {
      const i = Math.floor(random() * lines.length);
      lines[i] = " ".repeat(Math.floor(random() * 8)) + (lines[i] ?? "").trimStart();
      return lines.join("\n");
    }
    case 5:
      return text.slice(0, at());
    case 6: {
      // Swap two words: names end up in the wrong places (unknown references, collisions).
      const words = text.match(/[A-Za-z$][\w.$-]*/g) ?? [];
      const a = pick(words);
      const b = pick(words);
      return text.replace(a, b);
    }
    case 7: {
      const i = at();
      return text.slice(0, i) + String.fromCharCode(Math.floor(random() * 0x3000)) + text.slice(i + 1);
    }
    default:
      return Array.from({ length: Math.floor(random() * 200) }, () => String.fromCharCode(Math.floor(random() * 128))).join("");
  }
}

test("thousands of mutated and random specs always come back as diagnostics", async () => {
  const seeds = ["valid/banking/spec/banking.yaml", "valid/ecommerce/spec/orders.yaml", "invalid/apply-type-mismatch/spec/domain.yaml"]
    .map((p) => path.join(fixturesRoot, p))
    .map((p) => readFileSync(p, "utf8"));
  const seed = Number(process.env.FUZZ_SEED ?? 20261126);
  const random = seededRandom(seed);
  const iterations = Number(process.env.FUZZ_ITERATIONS ?? 3000);
  let withErrors = 0;
  for (let i = 0; i < iterations; i++) {
    let text = seeds[i % seeds.length]!;
    const rounds = 1 + Math.floor(random() * 4);
    for (let r = 0; r < rounds; r++) text = mutate(text, random);
    let result: Awaited<ReturnType<typeof validateBytes>>;
    try {
      result = await validateBytes(text);
    } catch (error) {
      throw new Error(`iteration ${i} (FUZZ_SEED=${seed}) threw on input:\n${JSON.stringify(text)}\n${String((error as Error).stack)}`, { cause: error });
    }
    expectWellFormed(result.diagnostics);
    // Either the spec is still valid (and checked), or it says what is wrong.
    if (result.domains === undefined) expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
    if (result.diagnostics.some((d) => d.severity === "error")) withErrors++;
  }
  // The mutations must actually break specs, or this test proves nothing.
  expect(withErrors).toBeGreaterThan(iterations / 2);
}, 120_000);
