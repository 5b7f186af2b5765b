import { didYouMean } from "../../diagnostics/suggest.js";
import { describeType, type FieldInfo, type ValueType } from "../../model/types.js";
import type { BoundDomain, Declaration } from "../bind.js";
import type { CheckContext, Rule, Site } from "../context.js";
import { valueProblem } from "../values.js";
import type { AggregateSpec, ViewSpec } from "../../validate/spec.js";

/** Permissions every aggregate has besides its actions. */
export const BUILT_IN_PERMISSIONS = ["read", "history", "*"] as const;
/** What `$actor.…` may name in a `where`; claims are free-form. */
const ACTOR_ATTRIBUTES = ["id", "tenant"] as const;

/** Rules name declared roles, aggregates, actions and state fields; every role has a rule. */
export const policiesRule: Rule = {
  name: "policies",
  reads: "project",
  codes: [
    "unknown-role",
    "unknown-aggregate",
    "unknown-action",
    "unknown-field",
    "unknown-variable",
    "invalid-condition-value",
    "invalid-condition-field",
    "unused-role",
    "unknown-reaction",
    "invalid-rule",
  ],
  check(domain, context) {
    const usedRoles = new Set<string>();
    for (const rule of domain.rules) {
      const { spec, file, path } = rule;
      if ((spec.role === undefined) === (spec.reaction === undefined)) {
        const detail =
          spec.role === undefined ? "say whom it is for: `role: <role>` or `reaction: <reaction>`" : "it is for a `role` or for a `reaction`, not both";
        context.report("invalid-rule", { detail }, { file, path, part: "key" });
        continue;
      }
      if (spec.reaction !== undefined) {
        checkReactionSubject(domain, spec.reaction, { file, path: [...path, "reaction"] }, context);
        if (spec.where)
          context.report(
            "invalid-rule",
            { detail: "`where` conditions apply to roles; a reaction's commands are allowed or not" },
            { file, path: [...path, "where"], part: "key" },
          );
        coveredAggregates(domain, rule, context);
        continue;
      }
      if (spec.role === undefined) continue;
      usedRoles.add(spec.role);
      if (!domain.roles.has(spec.role)) {
        context.report("unknown-role", { name: spec.role, suggestion: didYouMean(spec.role, domain.roles.keys()) }, { file, path: [...path, "role"] });
      }
      const covered = coveredAggregates(domain, rule, context);
      if (spec.where && covered.length > 0) checkWhere(domain, rule, covered, context);
    }
    for (const role of domain.roles.values()) {
      if (!usedRoles.has(role.name)) context.report("unused-role", { role: role.name }, { file: role.file, path: role.path, part: "key" });
    }
  },
};

/** `<reaction>` of this domain, or `<domain>.<reaction>` of another. */
function checkReactionSubject(domain: BoundDomain, subject: string, at: Site, context: CheckContext): void {
  const [first = "", second] = subject.split(".");
  const home = second === undefined ? domain : context.project.domains.get(first);
  const name = second ?? first;
  if (home?.reactions.has(name)) return;
  const candidates = [
    ...domain.reactions.keys(),
    ...[...context.project.domains.values()].filter((d) => d !== domain).flatMap((d) => [...d.reactions.keys()].map((r) => `${d.name}.${r}`)),
  ];
  context.report("unknown-reaction", { name: subject, suggestion: didYouMean(subject, candidates) }, at);
}

/** What a permission can reach: an aggregate, or a view (read only), with the fields a `where` may compare. */
interface Covered {
  readonly name: string;
  readonly fields: readonly FieldInfo[];
}

/** The aggregates and views a rule's permissions reach; reports the permissions that name nothing. */
function coveredAggregates(domain: BoundDomain, rule: Declaration<{ allow: readonly string[] }>, context: CheckContext): Covered[] {
  const covered = new Map<string, Covered>();
  const ofAggregate = (a: Declaration<AggregateSpec>): Covered => ({ name: a.name, fields: [...domain.resolver.fields(a.spec.state), ...STREAM_FIELDS] });
  for (const [i, permission] of rule.spec.allow.entries()) {
    const at = { file: rule.file, path: [...rule.path, "allow", i] };
    if (permission === "*" || permission === "*:read" || permission === "*:history") {
      for (const a of domain.aggregates.values()) covered.set(a.name, ofAggregate(a));
      // Views are read, never have a history.
      if (permission !== "*:history") for (const v of domain.views.values()) covered.set(v.name, viewCovered(domain, v.name));
      continue;
    }
    const [aggregateName = "", action = ""] = permission.split(":");
    const view = domain.views.get(aggregateName);
    if (view) {
      // A view is only read: `<view>:read` (or `<view>:*`).
      if (action !== "read" && action !== "*") {
        context.report("unknown-action", { aggregate: aggregateName, action, suggestion: didYouMean(action, ["read"]) }, at);
        continue;
      }
      covered.set(view.name, viewCovered(domain, view.name));
      continue;
    }
    const aggregate = domain.aggregates.get(aggregateName);
    if (!aggregate) {
      context.report(
        "unknown-aggregate",
        { name: aggregateName, suggestion: didYouMean(aggregateName, [...domain.aggregates.keys(), ...domain.views.keys()]) },
        at,
      );
      continue;
    }
    const actions = Object.keys(aggregate.spec.actions ?? {});
    if (!(BUILT_IN_PERMISSIONS as readonly string[]).includes(action) && !actions.includes(action)) {
      context.report("unknown-action", { aggregate: aggregateName, action, suggestion: didYouMean(action, [...actions, ...BUILT_IN_PERMISSIONS]) }, at);
      continue;
    }
    covered.set(aggregate.name, ofAggregate(aggregate));
  }
  return [...covered.values()];
}

/**
 * What a `where` on an aggregate may compare besides its state: the stream's id (`_id: $actor.id`,
 * a profile whose id is its user's) and the actor of its first event (`_creator: $actor.id`,
 * "the rows I created"). The runtime reads them from the stream (StreamFacts), lists from the
 * read model's columns.
 */
const STREAM_FIELDS: readonly FieldInfo[] = [
  { name: "_id", type: { kind: "primitive", primitive: "uuid", constraints: {} }, optional: false, hasDefault: false, pii: false },
  { name: "_creator", type: { kind: "primitive", primitive: "string", constraints: {} }, optional: true, hasDefault: false, pii: false },
];

/** A view's fields for `where`: its key parts (plain values) and its own fields. */
function viewCovered(domain: BoundDomain, name: string): Covered {
  const view = domain.views.get(name);
  const own = domain.resolver.fields(view?.spec.fields);
  const key = view === undefined ? [] : keyPartNames(view.spec.key);
  const text: FieldInfo = { name: "", type: { kind: "primitive", primitive: "string", constraints: {} }, optional: false, hasDefault: false, pii: false };
  return { name, fields: [...key.map((k) => ({ ...text, name: k })), ...own] };
}

function keyPartNames(key: ViewSpec["key"]): string[] {
  if (typeof key === "string") return [key.split(".").at(-1) ?? key];
  if (Array.isArray(key)) return (key as readonly string[]).map((k) => k.split(".").at(-1) ?? k);
  return Object.keys(key);
}

function checkWhere(
  domain: BoundDomain,
  rule: Declaration<{ where?: Readonly<Record<string, string | number | boolean>> }>,
  covered: readonly Covered[],
  context: CheckContext,
): void {
  for (const [fieldName, value] of Object.entries(rule.spec.where ?? {})) {
    const at = { file: rule.file, path: [...rule.path, "where", fieldName] };
    const fields: FieldInfo[] = [];
    for (const aggregate of covered) {
      const state = aggregate.fields;
      const field = state.find((f) => f.name === fieldName);
      if (field) {
        fields.push(field);
        continue;
      }
      context.report(
        "unknown-field",
        {
          field: fieldName,
          aggregate: aggregate.name,
          suggestion: didYouMean(
            fieldName,
            state.map((f) => f.name),
          ),
        },
        { ...at, part: "key" },
      );
    }
    const comparable = fields.filter((field) => {
      if (comparedType(field.type) !== undefined) return true;
      context.report("invalid-condition-field", { field: fieldName, type: describeType(field.type) }, at);
      return false;
    });
    if (comparable.length < fields.length) continue;
    if (typeof value === "string" && value.startsWith("$") && !value.startsWith("$$")) {
      checkActorReference(value, at, context);
      continue;
    }
    const literal = typeof value === "string" && value.startsWith("$$") ? value.slice(1) : value;
    for (const field of fields) {
      const type = comparedType(field.type) ?? field.type;
      const problem = valueProblem(literal, type, field.optional && type === field.type);
      if (problem) {
        context.report("invalid-condition-value", { field: fieldName, detail: problem }, at);
        break;
      }
    }
  }
}

/**
 * The type a `where` value is compared with: the field's own for a scalar, the element's for
 * an array of scalars (membership); undefined when nothing can be compared (objects, json,
 * arrays of those or of arrays).
 */
function comparedType(type: ValueType): ValueType | undefined {
  const scalar = (t: ValueType) => t.kind === "enum" || t.kind === "ref" || t.kind === "unknown" || (t.kind === "primitive" && t.primitive !== "json");
  if (scalar(type)) return type;
  if (type.kind === "array" && scalar(type.element)) return type.element;
  return undefined;
}

function checkActorReference(value: string, at: { file: Declaration<unknown>["file"]; path: readonly (string | number)[] }, context: CheckContext): void {
  const [root, attribute, ...rest] = value.slice(1).split(".");
  if (root === "actor" && attribute !== undefined && (ACTOR_ATTRIBUTES as readonly string[]).includes(attribute) && rest.length === 0) return;
  if (root === "actor" && attribute === "claims" && rest.length > 0 && rest.every((r) => r.length > 0)) return;
  const allowed = [...ACTOR_ATTRIBUTES.map((a) => `$actor.${a}`), "$actor.claims.<name>"];
  context.report("unknown-variable", { text: value, allowed: allowed.join(", "), suggestion: didYouMean(value, allowed.slice(0, 2)) }, at);
}
