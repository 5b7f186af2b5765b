import { type Actor, canonicalId } from "./actor.js";

/**
 * Role-based rules with resource-level `where` conditions. Deny by default: a permission is
 * granted only by a rule for one of the actor's roles whose `allow` matches it and whose
 * `where` (if any) holds on the resource's state.
 */

export type Literal = string | number | boolean | null;

/** A `where` operand: an attribute of the actor ("id", "tenant", a claim name) or a literal. */
export type WhereOperand = { readonly actor: string } | { readonly value: Literal };

export interface PolicyRule {
  readonly role: string;
  /** "account:deposit", "account:*", "*"; reads are "<aggregate>:read", event log and time travel "<aggregate>:history". */
  readonly allow: readonly string[];
  /** State field → operand; every entry must hold (for an array field: the operand is one of its elements). */
  readonly where?: Readonly<Record<string, WhereOperand>>;
}

/** `field` equals `equals`; for an array field, `equals` is one of its elements. */
export interface FieldCondition {
  readonly field: string;
  readonly equals: Literal;
}

/**
 * What an actor may see of a collection, for list queries: everything, nothing, or the rows
 * matching any of the conjunctions (one per matching rule, actor attributes already resolved).
 */
export type AccessFilter =
  { readonly kind: "all" } | { readonly kind: "none" } | { readonly kind: "where"; readonly anyOf: readonly (readonly FieldCondition[])[] };

/** What a `where` may compare besides the state: the stream's id and the actor of its first event. */
export interface StreamFacts {
  readonly _id: string;
  readonly _creator: string | null;
}

export interface Policy {
  /** With no state, only rules without `where` can grant; `_id` and `_creator` conditions read `stream`. */
  can(actor: Actor, permission: string, state?: object, stream?: StreamFacts): boolean;
  /** Whether some rule could grant the permission for some state: the check before loading anything. */
  mayAllow(actor: Actor, permission: string): boolean;
  filter(actor: Actor, permission: string): AccessFilter;
}

export function permissionMatches(pattern: string, permission: string): boolean {
  if (pattern === "*" || pattern === permission) return true;
  // `*:read`, `*:history`: that permission on every aggregate and view of the domain (an auditor).
  if (pattern.startsWith("*:")) return permission.endsWith(pattern.slice(1));
  return pattern.endsWith(":*") && permission.startsWith(pattern.slice(0, -1));
}

/**
 * undefined when the actor lacks the attribute: a condition on it can never hold. A UUID
 * (the actor's id, a claim, a literal) is compared in lower case, the spelling state and
 * read model keep, so a token's letter case never changes what its actor sees.
 */
function resolve(operand: WhereOperand, actor: Actor): Literal | undefined {
  const value = resolveRaw(operand, actor);
  return typeof value === "string" ? canonicalId(value) : value;
}

function resolveRaw(operand: WhereOperand, actor: Actor): Literal | undefined {
  if ("value" in operand) return operand.value;
  const name = operand.actor;
  if (name === "id") return actor.id;
  if (name === "tenant") return actor.tenant;
  const claim = actor.claims?.[name.startsWith("claims.") ? name.slice("claims.".length) : name];
  return typeof claim === "string" || typeof claim === "number" || typeof claim === "boolean" ? claim : undefined;
}

function conditionsOf(rule: PolicyRule, actor: Actor): FieldCondition[] | undefined {
  const conditions: FieldCondition[] = [];
  for (const [field, operand] of Object.entries(rule.where ?? {})) {
    const equals = resolve(operand, actor);
    if (equals === undefined) return undefined;
    conditions.push({ field, equals });
  }
  return conditions;
}

/**
 * Whether a state value meets a `where` condition: it equals the operand or, for an array
 * field, has it as one of its elements (membership: `where: { owners: $actor.id }` grants the
 * actors listed in `owners`). List queries translate the same meaning to SQL (accessSql).
 */
export function holds(value: unknown, equals: Literal): boolean {
  return Array.isArray(value) ? value.includes(equals) : value === equals;
}

export function createPolicy(rules: readonly PolicyRule[]): Policy {
  const applicable = (actor: Actor, permission: string) =>
    rules.filter((r) => actor.roles.includes(r.role) && r.allow.some((p) => permissionMatches(p, permission)));

  return {
    can(actor, permission, state, stream) {
      return applicable(actor, permission).some((rule) => {
        const conditions = conditionsOf(rule, actor);
        if (conditions === undefined) return false;
        if (conditions.length === 0) return true;
        if (state === undefined) return false;
        const fields = state as Readonly<Record<string, unknown>>;
        return conditions.every((c) => holds(c.field === "_id" || c.field === "_creator" ? stream?.[c.field] : fields[c.field], c.equals));
      });
    },
    mayAllow(actor, permission) {
      return applicable(actor, permission).some((rule) => conditionsOf(rule, actor) !== undefined);
    },
    filter(actor, permission) {
      const anyOf: FieldCondition[][] = [];
      for (const rule of applicable(actor, permission)) {
        const conditions = conditionsOf(rule, actor);
        if (conditions === undefined) continue;
        if (conditions.length === 0) return { kind: "all" };
        anyOf.push(conditions);
      }
      return anyOf.length === 0 ? { kind: "none" } : { kind: "where", anyOf };
    },
  };
}

/** Grants everything: for system jobs and tests, never for requests from users. */
export const unrestrictedPolicy: Policy = {
  can: () => true,
  mayAllow: () => true,
  filter: () => ({ kind: "all" }),
};
