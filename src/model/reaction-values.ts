import type { EventMetaName, ReactionValue } from "./model.js";

/** What `$event.<name>` may name besides `data`: the event's envelope. */
export const EVENT_META_NAMES: readonly EventMetaName[] = ["id", "streamId", "recordedAt", "actorId", "correlationId"];

/**
 * Parses a value written in a reaction: `$event.data.<path>`, `$event.<meta>`, `$item`,
 * `$item.<path>`, `$$…` (a literal starting with $) or any other literal. Syntax only: the
 * check stage gives references their types; undefined means the reference is malformed.
 */
export function parseReactionValue(value: unknown): ReactionValue | undefined {
  if (typeof value !== "string" || !value.startsWith("$")) return { kind: "literal", value };
  if (value.startsWith("$$")) return { kind: "literal", value: value.slice(1) };
  const [root, ...rest] = value.slice(1).split(".");
  if (rest.some((segment) => segment.length === 0)) return undefined;
  if (root === "item") return { kind: "item", path: rest };
  if (root !== "event") return undefined;
  const [first, ...more] = rest;
  if (first === "data" && more.length > 0) return { kind: "event-data", path: more };
  if (first !== undefined && more.length === 0 && (EVENT_META_NAMES as readonly string[]).includes(first))
    return { kind: "event-meta", name: first as EventMetaName };
  return undefined;
}

// One implementation of durations, shared with the runtime (integration timeouts).
export { MAX_DURATION_MS, parseDuration } from "@fluvius/runtime/internal/runtime/duration";

/** `order.order-placed` or `shop.order.order-placed`, read from `home` domain. */
export function splitEventRef(text: string, home: string): { domain: string; aggregate: string; event: string } {
  const parts = text.split(".");
  const [domain, aggregate, event] = parts.length === 3 ? parts : [home, ...parts];
  return { domain: domain ?? home, aggregate: aggregate ?? "", event: event ?? "" };
}

/** `stock:reserve` or `shop:stock:reserve`, read from `home` domain. */
export function splitCommandRef(text: string, home: string): { domain: string; aggregate: string; action: string } {
  const parts = text.split(":");
  const [domain, aggregate, action] = parts.length === 3 ? parts : [home, ...parts];
  return { domain: domain ?? home, aggregate: aggregate ?? "", action: action ?? "" };
}

/** How a policy rule of `ruleDomain` names a reaction of `reactionDomain`. */
export function reactionSubject(reaction: string, reactionDomain: string, ruleDomain: string): string {
  return reactionDomain === ruleDomain ? reaction : `${reactionDomain}.${reaction}`;
}
