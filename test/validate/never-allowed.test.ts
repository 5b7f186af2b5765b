import { describe, expect, test } from "vitest";
import { compile } from "../../src/compile.js";
import { memoryHost } from "../../src/host/memory-host.js";

const AGGREGATE = `aggregates:
  account:
    state: { status: { enum: [open, frozen], default: open }, owner: uuid? }
    actions:
      open: { creates: true, emits: account-opened }
      freeze: { emits: account-frozen }
    events:
      account-opened: { apply: { set: { status: open } } }
      account-frozen: { apply: { set: { status: frozen } } }
`;

/** The `action-never-allowed` warnings of a one-file domain with these policies, as `line code: message`. */
async function neverAllowed(policies: string): Promise<string[]> {
  const result = await compile({ host: memoryHost({ "domains/bank.yaml": `domain: bank\n${AGGREGATE}${policies}` }) });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  expect(errors, "the spec has no errors").toEqual([]);
  return result.diagnostics.filter((d) => d.code === "action-never-allowed").map((d) => `${d.range.start.line} ${d.message} | ${d.hint ?? ""}`);
}

describe("action-never-allowed", () => {
  test("an action no rule allows is a warning at the action, naming the permission to grant", async () => {
    expect(await neverAllowed("policies:\n  roles: { teller: {} }\n  rules:\n    - { role: teller, allow: [account:open, account:read] }\n")).toEqual([
      "7 No policy rule allows action 'freeze' of aggregate 'account' (`account:freeze`): every command to it is refused. | " +
        "Grant `account:freeze` in a rule, e.g. `- { role: teller, allow: [account:freeze] }` (or `account:*`), or in a `{ reaction: <name>, allow: [...] }` rule if only a reaction issues it.",
    ]);
  });

  test.each([
    ["the aggregate's wildcard", '    - { role: teller, allow: ["account:*"] }\n'],
    ["the domain's wildcard", '    - { role: teller, allow: ["*"] }\n'],
    [
      "each by name, one with a where",
      "    - { role: teller, allow: [account:open] }\n    - { role: teller, allow: [account:freeze], where: { owner: $actor.id } }\n",
    ],
  ])("no warning when every action is allowed: %s", async (_, rules) => {
    expect(await neverAllowed(`policies:\n  roles: { teller: {} }\n  rules:\n${rules}`)).toEqual([]);
  });

  test("an action only a reaction may run is allowed", async () => {
    const reaction = "reactions:\n  freeze-on-open:\n    on: account.account-opened\n    do: account:freeze\n    id: $event.streamId\n";
    const policies =
      "policies:\n  roles: { teller: {} }\n  rules:\n    - { role: teller, allow: [account:open] }\n    - { reaction: freeze-on-open, allow: [account:freeze] }\n";
    expect(await neverAllowed(`${reaction}${policies}`)).toEqual([]);
  });

  test("read and history permissions allow no action", async () => {
    const found = await neverAllowed('policies:\n  roles: { auditor: {} }\n  rules:\n    - { role: auditor, allow: ["*:read", "*:history"] }\n');
    expect(found.map((f) => /^(\d+) No policy rule allows action '([a-z-]+)'/.exec(f)?.slice(1).join(" "))).toEqual(["6 open", "7 freeze"]);
  });

  test("a domain without any rules (policies not written yet) gets no warning", async () => {
    expect(await neverAllowed("")).toEqual([]);
    expect(await neverAllowed("policies:\n  roles: { teller: {} }\n")).toEqual([]);
  });
});
