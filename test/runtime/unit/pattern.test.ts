import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { validatorFor } from "@fluvius/runtime/internal/runtime/json-schema";
import { repoRoot } from "../../helpers/fixtures.js";

const schema = (pattern: string) => ({ type: "object", properties: { code: { type: "string", pattern } } });

describe("payload patterns are matched in linear time", () => {
  test("^(a+)+$ against a long almost-match is refused at once (in a child process, so a hang cannot stall the run)", () => {
    // The built runtime, as a project imports it.
    const runtime = pathToFileURL(path.join(repoRoot, "packages/runtime/dist/runtime/index.js")).href;
    const script = `
      const { validatorFor } = await import(${JSON.stringify(runtime)});
      const check = validatorFor({ type: "object", properties: { code: { type: "string", pattern: "^(a+)+$" } } });
      console.log(JSON.stringify([check({ code: "a".repeat(100000) + "!" }), check({ code: "aaaa" })]));
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(child.status, child.stderr).toBe(0);
    const [hostile, fine] = JSON.parse(child.stdout) as [{ path: string; keyword: string }[], unknown[]];
    expect(hostile).toMatchObject([{ path: "code", keyword: "pattern" }]);
    expect(fine).toEqual([]);
  });

  test("JSON Schema pattern semantics: a search, not a whole-string match; \\u escapes and Unicode classes", () => {
    expect(validatorFor(schema("b+"))({ code: "abbbc" })).toEqual([]);
    expect(validatorFor(schema("^b+$"))({ code: "abbbc" })).toMatchObject([{ path: "code", keyword: "pattern" }]);
    expect(validatorFor(schema("^caf\\u00e9$"))({ code: "café" })).toEqual([]);
    expect(validatorFor(schema("^\\u{1F600}$"))({ code: "😀" })).toEqual([]);
    expect(validatorFor(schema("^\\uD83D\\uDE00$"))({ code: "😀" })).toEqual([]);
    expect(validatorFor(schema("^\\p{Lu}\\p{Ll}+$"))({ code: "Émile" })).toEqual([]);
    expect(validatorFor(schema("^\\\\u0041$"))({ code: "\\u0041" })).toEqual([]);
  });
});
