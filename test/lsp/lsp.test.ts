import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { CodeAction, CompletionItem, Diagnostic, Hover, Location, MarkupContent, WorkspaceEdit } from "vscode-languageserver/node";
import { repoRoot } from "../helpers/fixtures.js";
import { type LspClient, startLsp } from "../helpers/lsp-client.js";

// A domain split across two files, as fluvius.yaml's `specs` names them.
const TYPES = `domain: banking
types:
  Money: { type: decimal, scale: 2 }
policies:
  roles:
    teller: {}
  rules:
    - role: teller
      allow: [account:deposit]
    - { role: teller, allow: [account:open-account] }
`;
const ACCOUNT = `domain: banking
aggregates:
  account:
    state:
      balance: Money
      status: { enum: [open, closed], default: open }
    actions:
      open-account:
        creates: true
        emits: account-opened
      deposit:
        payload: { amount: Money }
        when: { status: open }
        emits: deposit-made
    events:
      account-opened:
        apply: { set: { status: open } }
      deposit-made:
        payload: { amount: Money }
        apply: { add: { balance: $payload.amount } }
`;

let root: string;
let lsp: LspClient;

beforeAll(async () => {
  mkdirSync(path.join(repoRoot, "test/.tmp"), { recursive: true });
  root = mkdtempSync(path.join(repoRoot, "test/.tmp", "lsp-"));
  mkdirSync(path.join(root, "domains"));
  writeFileSync(path.join(root, "fluvius.yaml"), "specs: [domains/*.yaml]\n");
  writeFileSync(path.join(root, "domains/types.yaml"), TYPES);
  writeFileSync(path.join(root, "domains/account.yaml"), ACCOUNT);
  lsp = await startLsp(root);
}, 60_000);

afterAll(async () => {
  await lsp?.close();
  rmSync(root, { recursive: true, force: true });
});

// Each test starts from the files as on disk, whatever the one before left in the buffers.
afterEach(async () => {
  await lsp.change("domains/account.yaml", ACCOUNT);
  if (opened.has("domains/types.yaml")) await lsp.change("domains/types.yaml", TYPES);
});
const opened = new Set<string>();

const at = (text: string, needle: string, shift = 0) => {
  const offset = text.indexOf(needle) + shift;
  if (offset < shift) throw new Error(`'${needle}' not in the text`);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: (before[before.length - 1] ?? "").length };
};
const labels = (items: CompletionItem[] | null) => (items ?? []).map((i) => i.label);

describe("fluvius lsp", () => {
  test("a clean multi-file domain has no diagnostics; an unsaved typo in an event name is reported with its code and a did-you-mean", async () => {
    await lsp.open("domains/account.yaml", ACCOUNT);
    expect(await lsp.diagnostics("domains/account.yaml")).toEqual([]);
    const typo = ACCOUNT.replace("emits: deposit-made", "emits: deposit-mde");
    await lsp.change("domains/account.yaml", typo);
    const ds = await lsp.diagnostics("domains/account.yaml", (list) => list.length > 0);
    // The check stage reports every rule: the event no action emits any more is a warning.
    expect(ds.map((x) => x.code)).toEqual(["unknown-event", "unused-event"]);
    const d = ds[0];
    expect(d?.message).toContain("Did you mean 'deposit-made'?");
    expect(d?.range.start).toEqual(at(typo, "deposit-mde"));
    // The file on disk was never touched: the buffer is what was checked.
    expect(readFileSync(path.join(root, "domains/account.yaml"), "utf8")).toBe(ACCOUNT);
  });

  test("the quick fix for a did-you-mean diagnostic replaces the misspelled name", async () => {
    const typo = ACCOUNT.replace("emits: deposit-made", "emits: deposit-mde");
    await lsp.change("domains/account.yaml", typo);
    const d = (await lsp.diagnostics("domains/account.yaml", (ds) => ds.length > 0)).find((x) => x.code === "unknown-event");
    const actions: CodeAction[] = await lsp.connection.sendRequest("textDocument/codeAction", {
      textDocument: { uri: lsp.uri("domains/account.yaml") },
      range: d?.range,
      context: { diagnostics: [d] },
    });
    expect(actions.map((a) => a.title)).toEqual(["Change to 'deposit-made'"]);
    const edits = actions[0]?.edit?.changes?.[lsp.uri("domains/account.yaml")];
    expect(edits).toEqual([{ range: { start: at(typo, "deposit-mde"), end: at(typo, "deposit-mde", "deposit-mde".length) }, newText: "deposit-made" }]);
  });

  test("a type removed in one file is reported where another file uses it, with the hint", async () => {
    await lsp.change("domains/account.yaml", ACCOUNT);
    await lsp.open("domains/types.yaml", TYPES.replace("Money:", "Mony:"));
    opened.add("domains/types.yaml");
    const ds: Diagnostic[] = await lsp.diagnostics("domains/account.yaml", (list) => list.length > 0);
    expect(ds.map((d) => d.code)).toContain("unknown-type");
    expect(ds.find((d) => d.code === "unknown-type")?.message).toContain("Did you mean 'Mony'?");
    await lsp.change("domains/types.yaml", TYPES);
    expect(await lsp.diagnostics("domains/account.yaml", (list) => list.length === 0)).toEqual([]);
  });

  test("a type declared in two files is reported with the other declaration as a related location", async () => {
    const twice = ACCOUNT.replace("aggregates:", "types:\n  Money: decimal\naggregates:");
    await lsp.change("domains/account.yaml", twice);
    // The later file in path order (types.yaml) has the second declaration.
    const ds = await lsp.diagnostics("domains/types.yaml", (list) => list.some((d) => d.code === "duplicate-name"));
    const d = ds.find((x) => x.code === "duplicate-name");
    expect(d?.relatedInformation?.map((r) => [r.location.uri, r.location.range.start])).toEqual([[lsp.uri("domains/account.yaml"), at(twice, "Money")]]);
    await lsp.change("domains/account.yaml", ACCOUNT);
    await lsp.diagnostics("domains/account.yaml", (list) => list.length === 0);
  });

  test("a new file that is open but not saved yet is part of the project, until it is closed", async () => {
    await lsp.open("domains/extra.yaml", "domain: banking\ntypes:\n  Amount: Mony\n");
    const ds = await lsp.diagnostics("domains/extra.yaml", (list) => list.length > 0);
    expect(ds.map((d) => [d.code, String(d.message).includes("Did you mean 'Money'?")])).toEqual([["unknown-type", true]]);
    await lsp.change("domains/extra.yaml", "domain: banking\ntypes:\n  Amount: Money\n");
    expect(await lsp.diagnostics("domains/extra.yaml")).toEqual([]);
    await lsp.closeDocument("domains/extra.yaml");
    // Gone from the project: its diagnostics are cleared and its names no longer count.
    expect(await lsp.diagnostics("domains/extra.yaml")).toEqual([]);
  });

  test("every stage reports: YAML syntax, then the schema with its did-you-mean", async () => {
    await lsp.change("domains/account.yaml", `${ACCOUNT}  broken: [\n`);
    expect((await lsp.diagnostics("domains/account.yaml", (list) => list.length > 0)).map((d) => d.code)).toEqual(["yaml-syntax"]);
    const schema = ACCOUNT.replace("        creates: true", "        create: true");
    await lsp.change("domains/account.yaml", schema);
    const ds = await lsp.diagnostics("domains/account.yaml", (list) => list.length > 0);
    expect(ds.map((d) => [d.code, d.range.start, (d.data as { suggestion?: string }).suggestion])).toEqual([["unknown-key", at(schema, "create:"), "creates"]]);
  });

  test("a mistake in the unsaved fluvius.yaml is reported on it", async () => {
    await lsp.open("fluvius.yaml", "specs: [domains/*.yaml]\noutput: { generatd: src/gen }\n");
    const ds = await lsp.diagnostics("fluvius.yaml", (list) => list.length > 0);
    expect(ds.map((d) => [d.code, d.range.start])).toEqual([["unknown-key", { line: 1, character: 10 }]]);
    expect(ds[0]?.message).toContain("Did you mean 'generated'?");
    await lsp.closeDocument("fluvius.yaml");
    expect(await lsp.diagnostics("fluvius.yaml")).toEqual([]);
  });

  test("completion: schema keys, field types with the domain's named types, events in emits, $payload fields, permissions", async () => {
    const complete = async (text: string, needle: string, shift: number) => {
      await lsp.change("domains/account.yaml", text);
      return labels(
        await lsp.connection.sendRequest("textDocument/completion", {
          textDocument: { uri: lsp.uri("domains/account.yaml") },
          position: at(text, needle, shift),
        }),
      );
    };
    const newKey = ACCOUNT.replace("        creates: true\n", "        creates: true\n        pay\n");
    const keys = await complete(newKey, "        pay\n", "        pay".length);
    expect(keys).toEqual(expect.arrayContaining(["payload", "when", "description"]));
    // Keys the action already has are not offered again.
    expect(keys).not.toContain("emits");
    expect(keys).not.toContain("creates");

    const fieldType = ACCOUNT.replace("balance: Money", "balance: Mo");
    expect(await complete(fieldType, "balance: Mo", "balance: Mo".length)).toEqual(expect.arrayContaining(["Money", "decimal", "uuid"]));

    const emits = ACCOUNT.replace("emits: deposit-made", "emits: dep");
    expect(await complete(emits, "emits: dep", "emits: dep".length)).toEqual(["account-opened", "deposit-made"]);

    const payload = ACCOUNT.replace("balance: $payload.amount", "balance: $payload.");
    expect(await complete(payload, "balance: $payload.", "balance: $payload.".length)).toEqual(expect.arrayContaining(["$payload.amount", "$meta.actorId"]));

    const when = ACCOUNT.replace("when: { status: open }", "when: { sta");
    expect(await complete(when, "when: { sta", "when: { sta".length)).toEqual(["balance", "status"]);

    const withReaction = `${ACCOUNT}reactions:
  welcome:
    on: account.account-opened
    do: account:dep
    payload: { amount: $event. }
  pay-back:
    on: account.deposit-made
    do: account:deposit
    id: $event.streamId
    payload:
      am
`;
    expect(await complete(withReaction, "do: account:dep", "do: account:dep".length)).toEqual(["account:open-account", "account:deposit"]);
    expect(await complete(withReaction, "on: account.", "on: account.".length)).toEqual(["account.account-opened", "account.deposit-made"]);
    expect(await complete(withReaction, "$event. }", "$event.".length)).toEqual(["$event.streamId", "$event.id", "$event.recordedAt", "$event.actorId"]);
    // The keys of a reaction's payload are the payload fields of the action it issues.
    expect(await complete(withReaction, "      am\n", "      am".length)).toEqual(["amount"]);

    const withView = `${ACCOUNT}views:
  deposits:
    key: $event.streamId
    fields: { total: { type: Money, default: "0.00" } }
    from:
      account.deposit-made: { add: { total: $ } }
`;
    expect(await complete(withView, "total: $ }", "total: $".length)).toEqual(
      expect.arrayContaining(["$event.data.amount", "$state.balance", "$event.streamId"]),
    );
    expect(await complete(withView, "      account.deposit-made", "      acc".length)).toEqual(["account.account-opened", "account.deposit-made"]);

    await lsp.change("domains/account.yaml", ACCOUNT);
    const where = TYPES.replace("allow: [account:deposit]", "allow: [account:deposit]\n      where: { st");
    await lsp.change("domains/types.yaml", where);
    expect(
      labels(
        await lsp.connection.sendRequest("textDocument/completion", {
          textDocument: { uri: lsp.uri("domains/types.yaml") },
          position: at(where, "where: { st", "where: { st".length),
        }),
      ),
    ).toEqual(["balance", "status"]);
    await lsp.change("domains/types.yaml", TYPES);
    const role = labels(
      await lsp.connection.sendRequest("textDocument/completion", {
        textDocument: { uri: lsp.uri("domains/types.yaml") },
        position: at(TYPES, "role: teller", "role: te".length),
      }),
    );
    expect(role).toEqual(["teller"]);
    const allow = labels(
      await lsp.connection.sendRequest("textDocument/completion", {
        textDocument: { uri: lsp.uri("domains/types.yaml") },
        position: at(TYPES, "account:deposit", 3),
      }),
    );
    expect(allow).toEqual(expect.arrayContaining(["account:deposit", "account:open-account", "account:read", "*"]));
  });

  test("hover: a key shows the schema's documentation; a type name shows its declaration", async () => {
    const onKey: Hover = await lsp.connection.sendRequest("textDocument/hover", {
      textDocument: { uri: lsp.uri("domains/account.yaml") },
      position: at(ACCOUNT, "emits:", 2),
    });
    const schema = JSON.parse(readFileSync(path.join(repoRoot, "schemas/domain.schema.json"), "utf8")) as {
      $defs: { action: { properties: { emits: { markdownDescription: string } } } };
    };
    expect((onKey.contents as MarkupContent).value).toBe(schema.$defs.action.properties.emits.markdownDescription);
    // A built-in type is documented by what its key is: a field.
    const onBuiltin: Hover = await lsp.connection.sendRequest("textDocument/hover", {
      textDocument: { uri: lsp.uri("domains/types.yaml") },
      position: at(TYPES, "decimal", 2),
    });
    expect((onBuiltin.contents as MarkupContent).value).toMatch(/^\*\*built-in type\*\* `decimal`\n\nA field type: /);
    const onType: Hover = await lsp.connection.sendRequest("textDocument/hover", {
      textDocument: { uri: lsp.uri("domains/account.yaml") },
      position: at(ACCOUNT, "balance: Money", "balance: M".length),
    });
    expect((onType.contents as MarkupContent).value).toContain("**type** `Money`");
    expect((onType.contents as MarkupContent).value).toContain("Money: { type: decimal, scale: 2 }");
  });

  test("definition and references of a type and an event cross files", async () => {
    const definition: Location[] = await lsp.connection.sendRequest("textDocument/definition", {
      textDocument: { uri: lsp.uri("domains/account.yaml") },
      position: at(ACCOUNT, "balance: Money", "balance: Mo".length),
    });
    expect(definition).toEqual([{ uri: lsp.uri("domains/types.yaml"), range: { start: at(TYPES, "Money"), end: at(TYPES, "Money", 5) } }]);
    const refs: Location[] = await lsp.connection.sendRequest("textDocument/references", {
      textDocument: { uri: lsp.uri("domains/types.yaml") },
      position: at(TYPES, "Money", 1),
      context: { includeDeclaration: false },
    });
    expect(refs.map((r) => [r.uri, r.range.start.line])).toEqual([
      [lsp.uri("domains/account.yaml"), at(ACCOUNT, "balance: Money").line],
      [lsp.uri("domains/account.yaml"), at(ACCOUNT, "payload: { amount: Money }").line],
      [lsp.uri("domains/account.yaml"), at(ACCOUNT, "        payload: { amount: Money }\n        apply").line],
    ]);
    const event: Location[] = await lsp.connection.sendRequest("textDocument/definition", {
      textDocument: { uri: lsp.uri("domains/account.yaml") },
      position: at(ACCOUNT, "emits: deposit-made", 8),
    });
    expect(event.map((l) => l.range.start)).toEqual([at(ACCOUNT, "deposit-made:")]);
  });

  test("references of a state field: its declaration, `when` and `apply` keys; a role's definition from its rule", async () => {
    const refs: Location[] = await lsp.connection.sendRequest("textDocument/references", {
      textDocument: { uri: lsp.uri("domains/account.yaml") },
      position: at(ACCOUNT, "status:", 1),
      context: { includeDeclaration: true },
    });
    expect(refs.map((r) => r.range.start)).toEqual([at(ACCOUNT, "status:"), at(ACCOUNT, "when: { status", 8), at(ACCOUNT, "set: { status", 7)]);
    const role: Location[] = await lsp.connection.sendRequest("textDocument/definition", {
      textDocument: { uri: lsp.uri("domains/types.yaml") },
      position: at(TYPES, "role: teller", 7),
    });
    expect(role.map((l) => l.range.start)).toEqual([at(TYPES, "teller: {}")]);
  });

  test("rename of an action edits its declaration and the permission in the other file", async () => {
    const edit: WorkspaceEdit = await lsp.connection.sendRequest("textDocument/rename", {
      textDocument: { uri: lsp.uri("domains/account.yaml") },
      position: at(ACCOUNT, "deposit:", 1),
      newName: "pay-in",
    });
    expect(edit.changes?.[lsp.uri("domains/account.yaml")]).toEqual([
      { range: { start: at(ACCOUNT, "deposit:"), end: at(ACCOUNT, "deposit:", 7) }, newText: "pay-in" },
    ]);
    expect(edit.changes?.[lsp.uri("domains/types.yaml")]).toEqual([
      { range: { start: at(TYPES, "deposit]"), end: at(TYPES, "deposit]", 7) }, newText: "pay-in" },
    ]);
    // A type must stay PascalCase: the rename is refused with the schema's rule.
    const refused = lsp.connection.sendRequest("textDocument/rename", {
      textDocument: { uri: lsp.uri("domains/types.yaml") },
      position: at(TYPES, "Money", 1),
      newName: "money",
    });
    await expect(refused).rejects.toThrow(/'money' is not a valid name here. A named type: PascalCase/);
  });

  test("rename of an event edits emits, its declaration, a reaction's `on` and a view's `from`", async () => {
    const text = `${ACCOUNT}reactions:
  thank:
    on: account.deposit-made
    do: account:deposit
    id: $event.streamId
    payload: { amount: $event.data.amount }
views:
  deposits:
    key: $event.streamId
    fields: { total: { type: Money, default: "0.00" } }
    from:
      account.deposit-made: { add: { total: $event.data.amount } }
`;
    await lsp.change("domains/account.yaml", text);
    const edit: WorkspaceEdit = await lsp.connection.sendRequest("textDocument/rename", {
      textDocument: { uri: lsp.uri("domains/account.yaml") },
      position: at(text, "emits: deposit-made", 8),
      newName: "money-paid-in",
    });
    const starts = edit.changes?.[lsp.uri("domains/account.yaml")]?.map((e) => e.range.start);
    expect(starts).toEqual([
      at(text, "emits: deposit-made", 7),
      at(text, "deposit-made:"),
      at(text, "on: account.deposit-made", 12),
      at(text, "account.deposit-made:", 8),
    ]);
    // The payload field is one symbol from the event's declaration to `$payload.` and `$event.data.`.
    const refs: Location[] = await lsp.connection.sendRequest("textDocument/references", {
      textDocument: { uri: lsp.uri("domains/account.yaml") },
      position: at(text, "$payload.amount", 10),
      context: { includeDeclaration: true },
    });
    expect(refs).toHaveLength(4);
  });

  test("a reaction of another domain finds the event it listens to (`<domain>.<aggregate>.<event>`)", async () => {
    const shop = "domain: shop\nreactions:\n  reward:\n    on: banking.account.deposit-made\n    handler: true\n";
    await lsp.open("domains/shop.yaml", shop);
    const found: Location[] = await lsp.connection.sendRequest("textDocument/definition", {
      textDocument: { uri: lsp.uri("domains/shop.yaml") },
      position: at(shop, "deposit-made", 2),
    });
    expect(found).toEqual([{ uri: lsp.uri("domains/account.yaml"), range: { start: at(ACCOUNT, "deposit-made:"), end: at(ACCOUNT, "deposit-made:", 12) } }]);
    await lsp.closeDocument("domains/shop.yaml");
  });

  test("nothing went wrong inside the server", () => {
    // An exception in a check is logged to stderr, not shown as a diagnostic.
    expect(lsp.stderr()).toBe("");
  });
});
