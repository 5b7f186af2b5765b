/**
 * `fluvius breaking` on a real git history built here: each breaking category next to its
 * non-breaking twin (a version bump, an optional field, a widening), against a revision and
 * against the event lock `fluvius generate` keeps; suppressions with a reason; the text
 * output golden; usage errors without a stack.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { checkBreaking } from "../../src/breaking/breaking.js";
import { nodeHost } from "../../src/host/node-host.js";
import { runCli } from "../helpers/cli.js";
import { repoRoot } from "../helpers/fixtures.js";

const BASE = `domain: shop
aggregates:
  order:
    state:
      customerId: uuid
      total: { type: integer, default: 0 }
      status: { enum: [open, closed], default: open }
      note: string?
    actions:
      place: { creates: true, payload: { customerId: uuid, total: integer, note: string? }, emits: order-placed }
      close: { payload: { reason: { enum: [paid, cancelled] } }, emits: order-closed }
    events:
      order-placed:
        payload: { customerId: uuid, total: integer, note: string? }
        apply: { set: { customerId: $payload.customerId, total: $payload.total } }
      order-closed:
        payload: { reason: { enum: [paid, cancelled] } }
        apply: { set: { status: closed } }
policies:
  roles: { clerk: {}, boss: {} }
  rules:
    - { role: clerk, allow: ["order:place", "order:read"] }
    - { role: boss, allow: ["order:*"] }
`;

let dir: string;
const SPEC = () => path.join(dir, "domains/shop.yaml");
const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
const edit = (change: (spec: string) => string) => {
  const next = change(BASE);
  expect(next, "the edit changed nothing").not.toBe(BASE);
  writeFileSync(SPEC(), next);
};

beforeAll(() => {
  mkdirSync(path.join(repoRoot, "test/.tmp"), { recursive: true });
  dir = mkdtempSync(path.join(repoRoot, "test/.tmp/breaking-"));
  mkdirSync(path.join(dir, "domains"));
  writeFileSync(path.join(dir, "fluvius.yaml"), 'specs: ["domains/*.yaml"]\n');
  writeFileSync(SPEC(), BASE);
  git("init", "-q", "-b", "main");
  git("-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "empty");
  git("add", ".");
  git("-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-q", "-m", "base");
  git("tag", "base");
});

async function codesAgainstBase(): Promise<string[]> {
  const result = await checkBreaking({ host: nodeHost(dir), against: "base" });
  if (!result.ok) throw new Error(result.problem);
  return result.diagnostics.map((d) => `${d.code}@${d.range.start.line}`).map((s) => s.replace(/@\d+$/, ""));
}

const order = (s: string) => s.replace("      note: string?\n    actions:", "    actions:");

describe("fluvius breaking --against a revision", () => {
  test.each<[string, (s: string) => string, string[]]>([
    ["nothing changed", (s) => `${s}# a comment\n`, []],
    [
      "an event field removed",
      (s) =>
        s.replace(
          "payload: { customerId: uuid, total: integer, note: string? }\n        apply",
          "payload: { customerId: uuid, total: integer }\n        apply",
        ),
      ["event-field-removed"],
    ],
    [
      "… with a version bump",
      (s) =>
        s.replace(
          "payload: { customerId: uuid, total: integer, note: string? }\n        apply",
          "version: 2\n        payload: { customerId: uuid, total: integer }\n        apply",
        ),
      [],
    ],
    [
      "an event field retyped",
      (s) =>
        s.replace(
          "payload: { customerId: uuid, total: integer, note: string? }\n        apply",
          "payload: { customerId: uuid, total: integer, note: integer? }\n        apply",
        ),
      ["event-field-retyped"],
    ],
    [
      "… widened (integer to number)",
      (s) =>
        s
          .replace(
            "payload: { customerId: uuid, total: integer, note: string? }\n        apply",
            "payload: { customerId: uuid, total: number, note: string? }\n        apply",
          )
          .replace("total: { type: integer, default: 0 }", "total: { type: number, default: 0 }"),
      [],
    ],
    [
      "an event field made required",
      (s) =>
        s.replace(
          "payload: { customerId: uuid, total: integer, note: string? }\n        apply",
          "payload: { customerId: uuid, total: integer, note: string }\n        apply",
        ),
      ["event-field-required"],
    ],
    [
      "… an optional field added",
      (s) =>
        s.replace(
          "payload: { customerId: uuid, total: integer, note: string? }\n        apply",
          "payload: { customerId: uuid, total: integer, note: string?, channel: string? }\n        apply",
        ),
      [],
    ],
    [
      "an enum value removed from an event",
      (s) =>
        s.replace("        payload: { reason: { enum: [paid, cancelled] } }\n        apply", "        payload: { reason: { enum: [paid] } }\n        apply"),
      ["event-enum-value-removed"],
    ],
    [
      "… an enum value added",
      (s) =>
        s.replace(
          "        payload: { reason: { enum: [paid, cancelled] } }\n        apply",
          "        payload: { reason: { enum: [paid, cancelled, lost] } }\n        apply",
        ),
      [],
    ],
    [
      "an event removed (with its action)",
      (s) => s.replace(/ {6}close: .*\n/, "").replace(/ {6}order-closed:\n.*\n.*\n/, ""),
      ["action-removed", "event-removed"],
    ],
    ["an explicit version 1 (the default)", (s) => s.replace("      order-closed:\n", "      order-closed:\n        version: 1\n"), []],
    [
      "a new required command field",
      (s) =>
        s.replace(
          "place: { creates: true, payload: { customerId: uuid, total: integer, note: string? }",
          "place: { creates: true, payload: { customerId: uuid, total: integer, note: string?, channel: string }",
        ),
      ["command-field-required"],
    ],
    [
      "… a new optional one",
      (s) =>
        s.replace(
          "place: { creates: true, payload: { customerId: uuid, total: integer, note: string? }",
          "place: { creates: true, payload: { customerId: uuid, total: integer, note: string?, channel: string? }",
        ),
      [],
    ],
    [
      "a command field removed",
      (s) =>
        s.replace(
          "place: { creates: true, payload: { customerId: uuid, total: integer, note: string? }",
          "place: { creates: true, payload: { customerId: uuid, total: integer }",
        ),
      ["command-field-removed"],
    ],
    [
      "a command field narrowed",
      (s) =>
        s.replace(
          "place: { creates: true, payload: { customerId: uuid, total: integer,",
          "place: { creates: true, payload: { customerId: uuid, total: { type: integer, maximum: 100 },",
        ),
      ["command-field-narrowed"],
    ],
    ["an action renamed", (s) => s.replace("      close: {", "      finish: {"), ["action-removed"]],
    ["a state field removed", order, ["state-field-removed"]],
    [
      "a permission granted",
      (s) => s.replace('allow: ["order:place", "order:read"]', 'allow: ["order:place", "order:read", "order:close"]'),
      ["permission-granted"],
    ],
    ["… one a wildcard already gave", (s) => s.replace('{ role: boss, allow: ["order:*"] }', '{ role: boss, allow: ["order:*", "order:close"] }'), []],
  ])("%s", async (_, change, expected) => {
    edit(change);
    try {
      expect((await codesAgainstBase()).sort()).toEqual([...expected].sort());
    } finally {
      writeFileSync(SPEC(), BASE);
    }
  });
});

describe("fluvius breaking from the command line", () => {
  test("the lock: generate writes it, a break is found at its place, a bump is accepted and both versions stay locked", () => {
    expect(runCli(["generate"], { cwd: dir }).status).toBe(0);
    const lock = JSON.parse(readFileSync(path.join(dir, "fluvius.lock.json"), "utf8")) as { events: Record<string, Record<string, unknown>> };
    expect(Object.keys(lock.events)).toEqual(["shop.order.order-closed", "shop.order.order-placed"]);
    expect(runCli(["breaking"], { cwd: dir }).stdout).toContain("✔ nothing breaking against fluvius.lock.json");

    edit((s) =>
      s.replace("payload: { customerId: uuid, total: integer, note: string? }\n        apply", "payload: { customerId: uuid, total: integer }\n        apply"),
    );
    const broken = runCli(["breaking"], { cwd: dir });
    expect(broken.status).toBe(1);
    const golden = path.join(import.meta.dirname, "expected-text.txt");
    if (process.env.UPDATE) writeFileSync(golden, broken.stdout);
    expect(broken.stdout).toBe(readFileSync(golden, "utf8"));
    // generate does not rewrite a locked version a change breaks.
    expect(runCli(["generate"], { cwd: dir }).status).toBe(0);
    expect(runCli(["breaking"], { cwd: dir }).status).toBe(1);

    edit((s) =>
      s.replace(
        "payload: { customerId: uuid, total: integer, note: string? }\n        apply",
        "version: 2\n        payload: { customerId: uuid, total: integer }\n        apply",
      ),
    );
    expect(runCli(["breaking"], { cwd: dir }).status).toBe(0);
    expect(runCli(["generate"], { cwd: dir }).status).toBe(0);
    const after = JSON.parse(readFileSync(path.join(dir, "fluvius.lock.json"), "utf8")) as { events: Record<string, Record<string, unknown>> };
    expect(Object.keys(after.events["shop.order.order-placed"] ?? {})).toEqual(["1", "2"]);
    // Going back to version 1 now lowers a recorded version.
    writeFileSync(SPEC(), BASE);
    const lowered = runCli(["breaking", "--format", "json"], { cwd: dir });
    expect(lowered.status).toBe(1);
    expect((JSON.parse(lowered.stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toEqual(["event-version-lowered"]);
    git("checkout", "-q", "--", ".");
    execFileSync("git", ["clean", "-qfdx"], { cwd: dir });
  }, 120_000);

  test("a finding accepted in fluvius.yaml with its reason; one without a reason is a config error", () => {
    edit((s) => s.replace("      close: {", "      finish: {"));
    const subject = "shop.order:close";
    writeFileSync(
      path.join(dir, "fluvius.yaml"),
      `specs: ["domains/*.yaml"]\nbreaking:\n  ignore:\n    - { code: action-removed, subject: "${subject}", reason: "no client ever called close" }\n`,
    );
    const accepted = runCli(["breaking", "--against", "base"], { cwd: dir });
    expect(accepted.stdout).toContain("✔ nothing breaking against base; 1 accepted in fluvius.yaml");
    expect(accepted.status).toBe(0);
    writeFileSync(path.join(dir, "fluvius.yaml"), `specs: ["domains/*.yaml"]\nbreaking:\n  ignore:\n    - { code: action-removed, subject: "${subject}" }\n`);
    const refused = runCli(["breaking", "--against", "base"], { cwd: dir });
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/fluvius\.yaml:4:\d+ .*reason/);
    git("checkout", "-q", "--", ".");
  });

  test("warnings pass unless --max-warnings says otherwise", () => {
    edit((s) => s.replace('allow: ["order:place", "order:read"]', 'allow: ["order:place", "order:read", "order:close"]'));
    try {
      const passing = runCli(["breaking", "--against", "base"], { cwd: dir });
      expect(passing.status).toBe(0);
      expect(passing.stdout).toContain("permission-granted");
      const strict = runCli(["breaking", "--against", "base", "--max-warnings", "0"], { cwd: dir });
      expect(strict.status).toBe(1);
      expect(strict.stderr).toContain("fluvius: 1 warning, more than --max-warnings 0 allows.");
    } finally {
      writeFileSync(SPEC(), BASE);
    }
  });

  test("usage errors: an unknown revision, no lock yet — a message, exit 2, no stack", () => {
    const unknown = runCli(["breaking", "--against", "no-such-branch"], { cwd: dir });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("'no-such-branch' is not a revision of this repository");
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const noLock = runCli(["breaking"], { cwd: dir });
    expect(noLock.status).toBe(2);
    expect(noLock.stderr).toContain("there is no fluvius.lock.json yet");
  });
});
