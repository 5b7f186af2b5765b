/**
 * The reaction the runtime benchmark drives: a `ping` (one small aggregate of its own, so
 * its events have a stream type nothing else writes) credits the generated banking
 * account it names with a deposit. Written by hand the way `fluvius generate` hands a
 * domain to the runtime (compare fixtures/valid/shop/expected/generated/shop/_reactions.ts).
 */
import {
  createPolicy,
  defineAggregate,
  defineReaction,
  type Actor,
  type AnyReactionDefinition,
  type DomainDefinition,
  type EventRecord,
} from "@fluvius/runtime";
import { account, TENANT } from "./banking.js";

interface PingState {
  readonly pings: number;
}
type PingEvent = { readonly type: "pinged"; readonly version: 1; readonly data: { readonly accountId: string } };
interface PingPayloads {
  readonly ping: { readonly accountId: string };
}

export const ping = defineAggregate<PingState, PingEvent, PingPayloads>({
  domain: "bench",
  aggregate: "ping",
  specHash: "bench-ping-v1",
  initialState: () => ({ pings: 0 }),
  evolve: (state) => ({ pings: state.pings + 1 }),
  events: { pinged: { version: 1 } },
  actions: {
    ping: {
      creates: true,
      permission: "ping:send",
      payloadSchema: { type: "object", properties: { accountId: { type: "string", format: "uuid" } }, required: ["accountId"], additionalProperties: false },
      handle: ({ payload }) => ({ type: "pinged", version: 1, data: { accountId: payload.accountId } }),
    },
  },
});

export const REACTION = "credit-on-ping";
/** The reaction's checkpoint name in fluvius.subscriptions. */
export const REACTION_CHECKPOINT = `reaction:bench.${REACTION}`;

const creditOnPing: AnyReactionDefinition = defineReaction<PingEvent>({
  domain: "bench",
  name: REACTION,
  on: { streamType: "bench.ping", eventType: "pinged" },
  effect: {
    kind: "commands",
    commands: (event: EventRecord<PingEvent>) => [
      { domain: "banking", aggregate: "account", action: "deposit", streamId: event.event.data.accountId, payload: { amount: "1.00" } },
    ],
  },
});

export const sender: Actor = { id: "sender-1", tenant: TENANT, roles: ["sender"] };

export const benchDomain: DomainDefinition = {
  name: "bench",
  revision: 1,
  policy: createPolicy([
    { role: "sender", allow: ["ping:send"] },
    { role: `reaction:bench.${REACTION}`, allow: ["account:deposit"] },
  ]),
  aggregates: [
    { definition: ping, title: "Ping", fields: [], actions: {} },
    { definition: account, title: "Account", fields: [], actions: {} },
  ],
  reactions: [creditOnPing],
};
