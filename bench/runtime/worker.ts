/**
 * A benchmark subject in its own process. Each contender runs in a separate worker so that
 * nothing one library does to the process (Emmett's dumbo, for one, installs global `pg`
 * type parsers: int8 as BigInt, its own JSON parser) touches another's figures.
 *
 * Protocol (process IPC): the parent sends { id, op: "init", subject, target } once, then
 * { id, op: "call", method, args } any number of times, then { id, op: "exit" }; every
 * message gets { id, ok: true, value } or { id, ok: false, error }.
 */
import { Connector, type Target } from "./target.js";
import { emmettCommands, fluviusCommands, rawInserts } from "./subjects/commands.js";
import { fluviusCosts } from "./subjects/costs.js";
import { emmettLoad, fluviusLoad } from "./subjects/load.js";
import { fluviusReactions } from "./subjects/reactions.js";
import { fluviusScale } from "./subjects/scale.js";
import { fluviusSubscription } from "./subjects/subscription.js";
import { fluviusViews } from "./subjects/views.js";
import { fluviusLists } from "./subjects/lists.js";

type Methods = Record<string, (...args: never[]) => Promise<unknown>>;

const subjects: Record<string, (connector: Connector) => Methods> = {
  fluvius: (c) => ({ ...fluviusCommands(c) }),
  "fluvius-nocache": (c) => ({ ...fluviusCommands(c, 0) }),
  "raw-tx": (c) => ({ ...rawInserts(c, "transaction") }),
  "raw-autocommit": (c) => ({ ...rawInserts(c, "autocommit") }),
  emmett: (c) => ({ ...emmettCommands(c) }),
  "load-fluvius": (c) => ({ ...fluviusLoad(c) }),
  "load-emmett": (c) => ({ ...emmettLoad(c) }),
  "subscription-fluvius": (c) => ({ ...fluviusSubscription(c) }),
  "reactions-fluvius": (c) => ({ ...fluviusReactions(c) }),
  "scale-fluvius": (c) => ({ ...fluviusScale(c) }),
  "views-fluvius": (c) => ({ ...fluviusViews(c) }),
  "costs-fluvius": (c) => ({ ...fluviusCosts(c) }),
  "lists-fluvius": (c) => ({ ...fluviusLists(c) }),
};

export type SubjectName = keyof typeof subjects;

interface Message {
  readonly id: number;
  readonly op: "init" | "call" | "exit";
  readonly subject?: string;
  readonly target?: Target;
  readonly method?: string;
  readonly args?: unknown[];
}

let methods: Methods | undefined;
let connector: Connector | undefined;

function reply(message: object): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

async function handle(message: Message): Promise<unknown> {
  switch (message.op) {
    case "init": {
      const make = subjects[message.subject ?? ""];
      if (!make || !message.target) throw new Error(`unknown subject ${message.subject}`);
      connector = new Connector(message.target);
      methods = make(connector);
      return Object.keys(methods);
    }
    case "call": {
      const fn = methods?.[message.method ?? ""];
      if (!fn) throw new Error(`no method ${message.method}`);
      return (fn as (...args: unknown[]) => Promise<unknown>)(...(message.args ?? []));
    }
    case "exit":
      await connector?.close().catch(() => undefined);
      return null;
  }
}

if (!process.send) {
  console.error("bench/runtime/worker.ts runs as a child process of the bench (process.send is missing).");
  process.exit(2);
}

process.on("message", (message: Message) => {
  handle(message).then(
    async (value) => {
      await reply({ id: message.id, ok: true, value });
      if (message.op === "exit") process.exit(0);
    },
    (error: unknown) => reply({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
