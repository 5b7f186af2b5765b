import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import {
  createAggregateService,
  defineReaction,
  drainReactions,
  type Actor,
  type AnyReactionDefinition,
  type Deliver,
  type DomainDefinition,
  type EventStore,
} from "@fluvius/runtime";
import { runCli, type CliResult } from "../helpers/cli.js";
import { buildProject, type BuiltProject } from "../helpers/project.js";

/**
 * The banking example with two reactions, written by hand into its generated index (the
 * generator of reactions is built elsewhere): a delivery to a ledger that always fails, and a
 * welcome letter a day after an account is opened (a durable timer). The CLI loads them from
 * the project; the tests run the workers in-process with the same names and their own
 * deliver functions.
 */
const INDEX = `// Hand-made in place of \`fluvius generate\`'s index: the banking domain plus two reactions.
import { defineReaction } from "@fluvius/runtime";
import { domain as bankingDomain } from "./banking/index.js";

const reactions = [
  defineReaction({
    domain: "banking",
    name: "notify-ledger",
    on: { streamType: "banking.account", eventType: "deposit-made" },
    effect: { kind: "deliver", deliver: async () => { throw new Error("the ledger is down"); } },
  }),
  defineReaction({
    domain: "banking",
    name: "welcome-letter",
    on: { streamType: "banking.account", eventType: "account-opened" },
    delay: { kind: "after", milliseconds: 86_400_000 },
    effect: { kind: "deliver", deliver: async () => undefined },
  }),
];

export const domains = [{ ...bankingDomain, reactions }];
`;

export const LEDGER = "banking.notify-ledger";
export const LETTER = "banking.welcome-letter";

export function reactionsProject(): BuiltProject {
  const project = buildProject("banking", (dir) => writeFileSync(path.join(dir, "src/generated/index.ts"), INDEX));
  expect(readFileSync(path.join(project.dir, "src/generated/index.ts"), "utf8")).toContain("notify-ledger");
  return project;
}

/** The project's banking domain with the reactions above, delivering to the ledger with `ledger`. */
export async function bankingWith(project: BuiltProject, ledger: Deliver): Promise<DomainDefinition> {
  const generated = (await import(pathToFileURL(path.join(project.dir, "src/generated/banking/index.ts")).href)) as { domain: DomainDefinition };
  const reactions: AnyReactionDefinition[] = [
    defineReaction({
      domain: "banking",
      name: "notify-ledger",
      on: { streamType: "banking.account", eventType: "deposit-made" },
      effect: { kind: "deliver", deliver: ledger },
    }),
    defineReaction({
      domain: "banking",
      name: "welcome-letter",
      on: { streamType: "banking.account", eventType: "account-opened" },
      delay: { kind: "after", milliseconds: 86_400_000 },
      effect: { kind: "deliver", deliver: async () => undefined },
    }),
  ];
  return { ...generated.domain, reactions };
}

export const failingLedger: Deliver = async () => {
  throw new Error("the ledger is down");
};

/** Opens accounts and deposits into each, as a teller of tenant acme; returns the accounts' ids. */
export async function openAccounts(store: EventStore, domain: DomainDefinition, deposits: readonly number[]): Promise<string[]> {
  const [account] = domain.aggregates;
  if (!account) throw new Error("banking has an account aggregate");
  const service = createAggregateService(store, account.definition, { policy: domain.policy });
  const actor: Actor = { id: randomUUID(), tenant: "acme", roles: ["teller"] };
  const ids: string[] = [];
  for (const count of deposits) {
    const { streamId } = await service.execute({ action: "open-account", payload: { customerId: randomUUID(), accountType: "checking" }, actor });
    for (let i = 0; i < count; i++) await service.execute({ action: "deposit", streamId, payload: { amount: "10.00" }, actor });
    ids.push(streamId);
  }
  return ids;
}

/** One worker pass over everything (what `fluvius serve` does continuously); a failure parks at once. */
export async function workerPass(store: EventStore, domain: DomainDefinition): Promise<void> {
  await drainReactions(store, { domains: [domain], maxAttempts: 1 });
}

export interface StatusDocument {
  database: string;
  reactions: { reaction: string; lag: number; parked: number; retrying: number; waitingTimers: number; nextTimerAt: string | null; heldBy: string | null }[];
  parked: {
    parked: number;
    retrying: number;
    more: number;
    deliveries: {
      id: string;
      reaction: string;
      tenant: string;
      eventId: string;
      status: string;
      attempts: number;
      parkedAt: string;
      error: { code: string; message: string };
    }[];
  };
}

export function statusJson(cwd: string, args: readonly string[] = []): StatusDocument {
  const result = runCli(["reactions", "status", "--json", ...args], { cwd });
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as StatusDocument;
}

export function reactionOf(document: StatusDocument, name: string): StatusDocument["reactions"][number] {
  const found = document.reactions.find((r) => r.reaction === name);
  if (!found) throw new Error(`status lists no ${name}: ${JSON.stringify(document.reactions)}`);
  return found;
}

/** What the user sees, for assertion messages. */
export const shown = (r: CliResult) => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
