import { createHash } from "node:crypto";
import type { BoundDomain, Declaration } from "../check/bind.js";
import type { ActionSpec, AggregateSpec, ApplySpec, EventSpec, ReactionSpec, RuleSpec } from "../validate/spec.js";
import { lowerView } from "./lower-views.js";
import { parseDuration, parseReactionValue, splitCommandRef, splitEventRef } from "./reaction-values.js";
import { declaredFields, siteAt } from "./site.js";
import type {
  ActionModel,
  AggregateModel,
  ApplyOperation,
  CheckedRefModel,
  DomainModel,
  EventModel,
  ExternalEventModel,
  Model,
  ReactionEffect,
  ReactionModel,
  ReactionRuleModel,
  ReactionValue,
  RuleModel,
  UniqueModel,
  ValueSource,
  WhereCondition,
} from "./model.js";

/** Lowers checked domains into the model. Runs only on specs the check stage accepted. */
export function lower(domains: readonly BoundDomain[]): Model {
  const byName = new Map(domains.map((d) => [d.name, d]));
  return { kind: "model", domains: domains.map((d) => lowerDomain(d, byName)) };
}

function lowerDomain(domain: BoundDomain, domains: ReadonlyMap<string, BoundDomain>): DomainModel {
  const { resolver } = domain;
  const home = domain.files[0];
  if (!home) throw new Error(`Domain '${domain.name}' has no spec file; binding makes a domain only from its files.`);
  const first = <K extends "revision" | "description">(key: K) => domain.files.map((f) => f.content[key]).find((v) => v !== undefined);
  const description = first("description");
  const types = [...domain.types.values()].map((t) => {
    const resolved = resolver.named(t.name);
    const spec = t.spec;
    return {
      kind: "named-type" as const,
      name: t.name,
      site: siteAt(t.file, t.path),
      type: resolved?.type ?? { kind: "unknown" as const },
      optional: resolved?.optional ?? false,
      ...(typeof spec !== "string" && spec.description !== undefined ? { description: spec.description } : {}),
    };
  });
  // Hashing the (small) spec text of an aggregate plus the domain's named types is much
  // cheaper than hashing its lowered model, where every named type is expanded at each use.
  const typesJson = JSON.stringify([...domain.types.values()].map((t) => [t.name, t.spec]));
  const aggregates = [...domain.aggregates.values()].map((a): AggregateModel => {
    const spec = a.spec;
    const at = (section: string) => siteAt(a.file, [...a.path, section]);
    const state = declaredFields(resolver.fields(spec.state), a.file, [...a.path, "state"]);
    const actions = Object.entries(spec.actions ?? {}).map(([name, action]) => lowerAction(domain, a, name, action));
    const events = Object.entries(spec.events ?? {}).map(([name, event]) => lowerEvent(domain, a, name, event));
    const unique = lowerUnique(spec);
    const body = {
      kind: "aggregate" as const,
      name: a.name,
      site: siteAt(a.file, a.path),
      sections: {
        ...(spec.state === undefined ? {} : { state: at("state") }),
        ...(spec.events === undefined ? {} : { events: at("events") }),
        ...(spec.actions === undefined ? {} : { actions: at("actions") }),
      },
      ...(spec.description === undefined ? {} : { description: spec.description }),
      ...(spec.snapshotEvery === undefined ? {} : { snapshotEvery: spec.snapshotEvery }),
      state,
      actions,
      events,
      unique,
      ...(spec.id === undefined ? {} : { naturalKey: { kind: "natural-key" as const, field: spec.id.from } }),
    };
    return {
      ...body,
      evolveHash: hash([typesJson, spec.state ?? null, spec.events ?? null]),
      modelHash: hash([typesJson, a.name, spec]),
    };
  });
  const roles = [...domain.roles.values()].map((r) => ({
    kind: "role" as const,
    name: r.name,
    site: siteAt(r.file, r.path),
    ...(r.spec?.description === undefined ? {} : { description: r.spec.description }),
  }));
  const rules = domain.rules.flatMap((r) => (r.spec.role === undefined ? [] : [lowerRule(r, r.spec.role)]));
  const reactionRules = domain.rules.flatMap((r) => (r.spec.reaction === undefined ? [] : [lowerReactionRule(domain.name, r, r.spec.reaction)]));
  const reactions = [...domain.reactions.values()].map((r) => lowerReaction(domain.name, r));
  const externals = [...domain.externals.values()].map((e): ExternalEventModel => ({
    kind: "external-event",
    name: e.name,
    site: siteAt(e.file, e.path),
    ...(e.spec.description === undefined ? {} : { description: e.spec.description }),
    integration: e.spec.from,
    subject: e.spec.subject,
    payload: resolver.fields(e.spec.payload),
  }));
  const body = {
    kind: "domain" as const,
    name: domain.name,
    site: siteAt(home.file, ["domain"], "value", []),
    revision: first("revision") ?? 1,
    ...(description === undefined ? {} : { description }),
    types,
    aggregates,
    roles,
    rules,
    reactions,
    externals,
    views: [...domain.views.values()].map((v) => lowerView(domain, v, domains)),
    reactionRules,
  };
  return { ...body, specHash: hash(domain.files.map((f) => f.file.text)) };
}

function lowerAction(domain: BoundDomain, aggregate: Declaration<AggregateSpec>, name: string, action: ActionSpec): ActionModel {
  const path = [...aggregate.path, "actions", name];
  return {
    kind: "action",
    name,
    site: siteAt(aggregate.file, path),
    ...(action.payload === undefined ? {} : { payloadSite: siteAt(aggregate.file, [...path, "payload"]) }),
    ...(action.description === undefined ? {} : { description: action.description }),
    creates: action.creates ?? false,
    payload: declaredFields(domain.resolver.fields(action.payload), aggregate.file, [...path, "payload"]),
    when: Object.entries(action.when ?? {}).map(([field, v]) => ({ field, values: Array.isArray(v) ? v : [v as string | number | boolean | null] })),
    emits: typeof action.emits === "string" ? [action.emits] : action.emits,
    checkedRefs: checkedRefsOf(action),
  };
}

/** `unique: true` fields one by one (in state order), then the aggregate's `unique: [[…]]` sets. */
function lowerUnique(spec: AggregateSpec): UniqueModel[] {
  const single = Object.entries(spec.state ?? {}).flatMap(([field, f]) => (typeof f !== "string" && f.unique === true ? [[field]] : []));
  return [...single, ...(spec.unique ?? [])].map((fields) => ({ kind: "unique", fields: [...fields] }));
}

/** The check stage guarantees a `checked` field is a ref (or an array of refs) to a known aggregate. */
function checkedRefsOf(action: ActionSpec): CheckedRefModel[] {
  return Object.entries(action.payload ?? {}).flatMap(([field, f]): CheckedRefModel[] => {
    if (typeof f === "string" || f.checked !== true || f.ref === undefined) return [];
    return [{ kind: "checked-ref", field, aggregate: f.ref, array: f.array ?? false }];
  });
}

function lowerEvent(domain: BoundDomain, aggregate: Declaration<AggregateSpec>, name: string, event: EventSpec | null): EventModel {
  const path = [...aggregate.path, "events", name];
  return {
    kind: "event",
    name,
    site: siteAt(aggregate.file, path),
    ...(event?.payload === undefined ? {} : { payloadSite: siteAt(aggregate.file, [...path, "payload"]) }),
    ...(event?.description === undefined ? {} : { description: event.description }),
    version: event?.version ?? 1,
    payload: declaredFields(domain.resolver.fields(event?.payload), aggregate.file, [...path, "payload"]),
    ...(event?.apply === undefined ? {} : { apply: lowerApply(event.apply) }),
    public: event?.public ?? false,
  };
}

const VALUE_OPERATIONS = ["set", "add", "subtract", "push", "pull"] as const;

function lowerApply(apply: ApplySpec): ApplyOperation[] {
  const operations: ApplyOperation[] = [];
  for (const kind of VALUE_OPERATIONS) {
    for (const [field, value] of Object.entries(apply[kind] ?? {})) operations.push({ kind, field, value: lowerValue(value) });
  }
  for (const field of apply.unset ?? []) operations.push({ kind: "unset", field });
  return operations;
}

/** The check stage guarantees references are well-formed. */
export function lowerValue(value: unknown): ValueSource {
  if (typeof value !== "string" || !value.startsWith("$")) return { kind: "literal", value };
  if (value.startsWith("$$")) return { kind: "literal", value: value.slice(1) };
  if (value.startsWith("$payload.")) return { kind: "payload", field: value.slice("$payload.".length) };
  return { kind: "meta", name: value === "$meta.actorId" ? "actorId" : "recordedAt" };
}

function lowerRule(declaration: Declaration<RuleSpec>, role: string): RuleModel {
  const { spec: rule, file, path } = declaration;
  const where: WhereCondition[] = Object.entries(rule.where ?? {}).map(([field, value]) => {
    if (typeof value === "string" && value.startsWith("$actor.")) return { field, value: { kind: "actor", attribute: value.slice("$actor.".length) } };
    const literal = typeof value === "string" && value.startsWith("$$") ? value.slice(1) : value;
    return { field, value: { kind: "literal", value: literal } };
  });
  return {
    kind: "rule",
    role,
    site: siteAt(file, path, "value"),
    ...(rule.description === undefined ? {} : { description: rule.description }),
    allow: rule.allow,
    allowSites: rule.allow.map((_, i) => siteAt(file, [...path, "allow", i], "value")),
    where,
  };
}

function lowerReactionRule(home: string, declaration: Declaration<RuleSpec>, reaction: string): ReactionRuleModel {
  const rule = declaration.spec;
  const site = siteAt(declaration.file, declaration.path, "value");
  const [domain, name] = reaction.includes(".") ? reaction.split(".", 2) : [home, reaction];
  return {
    kind: "reaction-rule",
    reaction: { domain: domain ?? home, name: name ?? reaction },
    site,
    ...(rule.description === undefined ? {} : { description: rule.description }),
    allow: rule.allow,
  };
}

function lowerReaction(home: string, declaration: Declaration<ReactionSpec>): ReactionModel {
  const { name, spec } = declaration;
  const delay =
    spec.after !== undefined
      ? { kind: "after" as const, milliseconds: parseDuration(spec.after) ?? 0 }
      : spec.at !== undefined
        ? { kind: "at" as const, value: reactionValue(spec.at) }
        : undefined;
  const forEach = spec.forEach === undefined ? undefined : reactionValue(spec.forEach);
  return {
    kind: "reaction",
    name,
    site: siteAt(declaration.file, declaration.path),
    ...(spec.description === undefined ? {} : { description: spec.description }),
    on: splitEventRef(spec.on, home),
    when: Object.entries(spec.when ?? {}).map(([field, v]) => ({ field, values: Array.isArray(v) ? v : [v as string | number | boolean | null] })),
    ...(forEach?.kind === "event-data" ? { forEach: forEach.path } : {}),
    ...(delay === undefined ? {} : { delay }),
    cancelledBy: spec.cancelledBy ?? [],
    effect: lowerEffect(home, spec),
  };
}

function lowerEffect(home: string, spec: ReactionSpec): ReactionEffect {
  if (spec.notify !== undefined) return { kind: "notify", integration: spec.notify };
  if (spec.do === undefined) return { kind: "handler" };
  const target =
    spec.key !== undefined
      ? { kind: "key" as const, value: reactionValue(spec.key) }
      : spec.id === undefined || spec.id === "new"
        ? { kind: "new" as const }
        : { kind: "stream" as const, id: reactionValue(spec.id) };
  const payload = Object.entries(spec.payload ?? {}).map(([field, value]) => ({ field, value: reactionValue(value) }));
  return { kind: "command", ...splitCommandRef(spec.do, home), target, payload };
}

/** The check stage guarantees reaction values are well-formed. */
function reactionValue(value: unknown): ReactionValue {
  return parseReactionValue(value) ?? { kind: "literal", value };
}

/**
 * A short hash of plain data. The model is built by code in a fixed order, so its JSON is
 * stable; a spec whose text changes order may change the hash, which only costs a rebuild.
 */
export function hash(value: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(value) ?? "null")
    .digest("hex")
    .slice(0, 16);
}
