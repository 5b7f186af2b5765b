import path from "node:path";
import { describe, expect, test } from "vitest";
import { fixturesRoot } from "../helpers/fixtures.js";
import { filesUnder, fixtureProject, generateInto } from "../helpers/generate.js";
import { typecheck } from "../helpers/typecheck.js";

const banking = path.join(fixturesRoot, "valid/banking");
const handlerPath = "src/domain/banking/account.ts";
const generatedPath = "src/generated/banking/account.ts";

function codes(plan: { diagnostics: readonly { code: string }[] }) {
  return plan.diagnostics.map((d) => d.code);
}

describe("regeneration", () => {
  test("a second run changes nothing and writes no manifest", async () => {
    const host = fixtureProject(banking);
    await generateInto(host);
    const again = await generateInto(host);
    expect(again.changes).toEqual([]);
    expect(again.manifestWritten).toBe(false);
  });

  test("the committed manifest holds only paths and content hashes; stamps and input hashes live in the ignored .fluvius/", async () => {
    const host = fixtureProject(banking);
    await generateInto(host);
    const manifest = JSON.parse(host.text("src/generated/.fluvius-manifest.json")!) as { version: number; files: Record<string, unknown> };
    expect(Object.keys(manifest)).toEqual(["version", "files"]);
    expect(manifest.version).toBe(2);
    expect(Object.keys(manifest.files)).toContain("banking/account.ts");
    for (const hash of Object.values(manifest.files)) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const cache = JSON.parse(host.text(".fluvius/generate.json")!) as {
      inputs?: string;
      files: Record<string, { stamp?: string }>;
      handlers: Record<string, unknown>;
    };
    expect(cache.inputs).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.files["banking/account.ts"]?.stamp).toBeDefined();
    expect(Object.keys(cache.handlers)).toContain("banking/account.ts");
  });

  test("a manifest of version 1 (with stamps) is read: its files stay fluvius's, and it is rewritten as version 2", async () => {
    const host = fixtureProject(banking);
    await generateInto(host);
    const current = JSON.parse(host.text("src/generated/.fluvius-manifest.json")!) as { files: Record<string, string> };
    const old = {
      version: 1,
      inputs: "x",
      files: Object.fromEntries(Object.entries(current.files).map(([p, written]) => [p, { source: "s", written, stamp: "1:2" }])),
      handlers: {},
    };
    await host.writeFile(`${host.cwd}/src/generated/.fluvius-manifest.json`, JSON.stringify(old));
    await host.removeFile(`${host.cwd}/.fluvius/generate.json`);
    const plan = await generateInto(host);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.changes.map((c) => c.path.slice(host.cwd.length + 1))).toEqual(["src/generated/.fluvius-manifest.json"]);
    expect(JSON.parse(host.text("src/generated/.fluvius-manifest.json")!)).toEqual({ version: 2, files: current.files });
  });

  test("a run after a clean one notices a hand edit of a generated file even when the specs did not change", async () => {
    const host = fixtureProject(banking);
    await generateInto(host);
    await generateInto(host); // the fast path: nothing to do
    await host.writeFile(`${host.cwd}/${generatedPath}`, `${host.text(generatedPath)}// edited\n`);
    const plan = await generateInto(host);
    expect(codes(plan)).toEqual(["generated-file-edited"]);
  });

  test("a hand edit survives byte for byte; new actions and events get stubs that compile", async () => {
    const host = fixtureProject(banking);
    await generateInto(host);
    const edited = host
      .text(handlerPath)!
      .replace(
        'import type * as types from "../../generated/banking/account.js";',
        'import { BusinessRuleError, compare } from "@fluvius/runtime";\nimport type * as types from "../../generated/banking/account.js";',
      )
      .replace(
        "export const handleWithdraw: types.WithdrawHandler = ({ payload }) => {\n",
        'export const handleWithdraw: types.WithdrawHandler = ({ state, payload }) => {\n  if (compare(state.balance, payload.amount) < 0) throw new BusinessRuleError("insufficient-funds", "The balance does not cover it.");\n',
      );
    expect(edited).toContain("insufficient-funds");
    await host.writeFile(`${host.cwd}/${handlerPath}`, edited);

    const spec = host.text("spec/banking.yaml")!;
    const grown = spec
      .replace(
        "      close:\n",
        "      suspend:\n        payload: { reason: string }\n        when: { status: open }\n        emits: account-suspended\n      close:\n",
      )
      .replace("      account-closed:\n", "      account-suspended:\n        payload: { reason: string }\n      account-closed:\n");
    await host.writeFile(`${host.cwd}/spec/banking.yaml`, grown);

    const plan = await generateInto(host);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.appended).toEqual([{ path: `${host.cwd}/${handlerPath}`, names: ["handleSuspend", "evolveAccountSuspended"] }]);
    const merged = host.text(handlerPath)!;
    // The evolve stub throws until written: its import is inserted after the module's imports, and nothing else of the edit changes.
    const runtimeImport = '\nimport { HandlerNotImplementedError } from "@fluvius/runtime";';
    expect(merged).toContain(runtimeImport);
    const withoutImport = merged.replace(runtimeImport, "");
    expect(withoutImport.startsWith(edited)).toBe(true);
    expect(withoutImport.slice(edited.length)).toContain("export const handleSuspend: types.SuspendHandler");
    expect(withoutImport.slice(edited.length)).toContain("export const evolveAccountSuspended: types.AccountSuspendedEvolver");

    const result = typecheck(new Map([["project", filesUnder(host, "src", { skip: /\.json$/ })]]));
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  }, 60_000);

  test("a new action whose handler cannot be built gets a stub that throws HandlerNotImplementedError, and the import it needs", async () => {
    const host = fixtureProject(banking);
    await generateInto(host);
    const before = host.text(handlerPath)!;
    expect(before).not.toContain("HandlerNotImplementedError");
    const spec = host.text("spec/banking.yaml")!;
    const grown = spec
      .replace("      close:\n", "      flag:\n        emits: account-flagged\n      close:\n")
      .replace("      account-closed:\n", "      account-flagged:\n        payload: { note: string }\n      account-closed:\n");
    await host.writeFile(`${host.cwd}/spec/banking.yaml`, grown);
    const plan = await generateInto(host);
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const merged = host.text(handlerPath)!;
    expect(merged).toContain('import { HandlerNotImplementedError } from "@fluvius/runtime";');
    expect(merged).toMatch(/throw new HandlerNotImplementedError\(\s*"handleFlag",\s*"src\/domain\/banking\/account\.ts",?\s*\)/);
    // Nothing of the hand-written text changed: the import line is inserted, the stub appended.
    expect(merged.replace('import { HandlerNotImplementedError } from "@fluvius/runtime";\n', "").startsWith(before)).toBe(true);
    const result = typecheck(new Map([["project", filesUnder(host, "src", { skip: /\.json$/ })]]));
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  }, 60_000);

  test("a handler whose action was removed is kept and reported", async () => {
    const host = fixtureProject(banking);
    await generateInto(host);
    const spec = host.text("spec/banking.yaml")!;
    await host.writeFile(`${host.cwd}/spec/banking.yaml`, spec.replace("account:deposit, ", "").replace(/ {6}deposit:\n( {8}.*\n)+?(?= {6}withdraw:)/, ""));
    const before = host.text(handlerPath)!;
    const plan = await generateInto(host);
    expect(codes(plan)).toContain("orphaned-handler");
    const orphan = plan.diagnostics.find((d) => d.code === "orphaned-handler")!;
    expect(orphan.range.file).toBe(handlerPath);
    expect(orphan.message).toContain("handleDeposit");
    expect(host.text(handlerPath)).toBe(before);
  });

  test("a generated file edited by hand is not overwritten without --force, and the message names it", async () => {
    const host = fixtureProject(banking);
    await generateInto(host);
    await host.writeFile(`${host.cwd}/${generatedPath}`, `${host.text(generatedPath)}\n// my precious edit\n`);
    const spec = host.text("spec/banking.yaml")!;
    await host.writeFile(`${host.cwd}/spec/banking.yaml`, spec.replace("description: Retail accounts", "description: Retail and business accounts"));
    const refused = await generateInto(host);
    expect(codes(refused)).toEqual(["generated-file-edited"]);
    expect(refused.diagnostics[0]?.message).toContain(generatedPath);
    expect(refused.changes).toEqual([]);
    expect(host.text(generatedPath)).toContain("my precious edit");
    expect(host.text("src/generated/banking/index.ts")).toContain('"Retail accounts"');

    const forced = await generateInto(host, { force: true });
    expect(forced.diagnostics).toEqual([]);
    expect(host.text(generatedPath)).not.toContain("my precious edit");
    expect(host.text("src/generated/banking/index.ts")).toContain('"Retail and business accounts"');
  });

  test("files it made and no longer needs are deleted, and only those", async () => {
    const host = fixtureProject(banking);
    const spec = host.text("spec/banking.yaml")!;
    const card = "  card:\n    actions:\n      issue-card: { creates: true, emits: card-issued }\n    events:\n      card-issued: {}\n";
    await host.writeFile(
      `${host.cwd}/spec/banking.yaml`,
      spec.replace("\nreactions:", `\n${card}\nreactions:`).replace("allow: [account:*]", "allow: [account:*, card:*]"),
    );
    await generateInto(host);
    expect(host.text("src/generated/banking/card.ts")).toBeDefined();
    await host.writeFile(`${host.cwd}/src/generated/banking/notes.md`, "mine\n");

    await host.writeFile(`${host.cwd}/spec/banking.yaml`, spec);
    const plan = await generateInto(host);
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(plan.changes.filter((c) => c.kind === "delete").map((c) => c.path.slice(host.cwd.length + 1))).toEqual(["src/generated/banking/card.ts"]);
    expect(host.text("src/generated/banking/card.ts")).toBeUndefined();
    expect(host.text("src/domain/banking/card.ts")).toBeDefined(); // hand-written: never deleted
    expect(host.text("src/generated/banking/notes.md")).toBe("mine\n");
  });

  test("a file fluvius did not make is not overwritten", async () => {
    const host = fixtureProject(banking, { [generatedPath]: "// someone else's file\n" });
    const plan = await generateInto(host);
    expect(codes(plan)).toEqual(["generated-file-not-ours"]);
    expect(host.text(generatedPath)).toBe("// someone else's file\n");
    expect(host.text(handlerPath)).toBeUndefined(); // nothing at all was written
  });

  test("specs with errors: nothing is written", async () => {
    const host = fixtureProject(banking);
    const spec = host.text("spec/banking.yaml")!;
    await host.writeFile(`${host.cwd}/spec/banking.yaml`, spec.replace("emits: deposit-made", "emits: deposit-mad"));
    const plan = await generateInto(host);
    expect(codes(plan)).toContain("unknown-event");
    expect(plan.changes).toEqual([]);
    expect(filesUnder(host, "src").size).toBe(0);
  });
});
