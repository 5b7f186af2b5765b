import { describe, expect, test } from "vitest";
import { cursorContext } from "../../src/lsp/cursor.js";

/** The context at the `|` in the text. */
function at(marked: string) {
  const offset = marked.indexOf("|");
  const text = marked.replace("|", "");
  const before = text.slice(0, offset).split("\n");
  return cursorContext(text, before.length - 1, (before[before.length - 1] ?? "").length);
}

describe("cursorContext reads where a half-typed YAML buffer's cursor is", () => {
  test("a new key under nested mappings", () => {
    expect(at("aggregates:\n  account:\n    actions:\n      deposit:\n        emits: x\n        wh|\n")).toEqual({
      kind: "key",
      mapPath: ["aggregates", "account", "actions", "deposit"],
      prefix: "wh",
    });
  });

  test("a value after a key", () => {
    expect(at("aggregates:\n  account:\n    state:\n      balance: Mo|\n")).toEqual({
      kind: "value",
      valuePath: ["aggregates", "account", "state", "balance"],
      prefix: "Mo",
    });
  });

  test("keys and values inside flow mappings, items of flow sequences", () => {
    expect(at("a:\n  b:\n    when: { status: open, sta|")).toEqual({ kind: "key", mapPath: ["a", "b", "when"], prefix: "sta" });
    expect(at("a:\n  apply: { set: { balance: $payload.|")).toEqual({ kind: "value", valuePath: ["a", "apply", "set", "balance"], prefix: "$payload." });
    expect(at("x:\n  allow: [account:read, account:|")).toEqual({ kind: "value", valuePath: ["x", "allow", 1], prefix: "account:" });
  });

  test("block sequences count their items, so the second rule is index 1", () => {
    const text = "policies:\n  rules:\n    - role: teller\n      allow: [a:*]\n    - role: customer\n      allow: [a:read]\n      where: { cu|";
    expect(at(text)).toEqual({ kind: "key", mapPath: ["policies", "rules", 1, "where"], prefix: "cu" });
    expect(at("policies:\n  rules:\n    - role: teller\n    - ro|")).toEqual({ kind: "item", itemPath: ["policies", "rules", 1], prefix: "ro" });
    expect(at("x:\n  emits:\n    - a\n    - |")).toEqual({ kind: "item", itemPath: ["x", "emits", 1], prefix: "" });
  });

  test("comments and blank lines do not count as parents", () => {
    expect(at("types:\n  # money\n\n  Mo|")).toEqual({ kind: "key", mapPath: ["types"], prefix: "Mo" });
  });
});
