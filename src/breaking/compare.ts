import type { DomainModel, Model } from "../model/model.js";
import { currentEvents, type EventLock } from "./lock.js";
import { compareFields, fieldsOf, type DataChange } from "./shape.js";

/** The codes of `fluvius breaking`, by category (docs/evolution.md). */
export type BreakingCode =
  | "event-removed"
  | "event-version-lowered"
  | "event-field-removed"
  | "event-field-retyped"
  | "event-field-required"
  | "event-enum-value-removed"
  | "action-removed"
  | "command-field-removed"
  | "command-field-required"
  | "command-field-narrowed"
  | "state-field-removed"
  | "state-field-retyped"
  | "permission-granted";

/** What a finding is about, for its position in the current specs and for suppressions. */
export type Subject =
  | {
      readonly domain: string;
      readonly aggregate?: string;
      readonly section?: "events" | "actions" | "state";
      readonly name?: string;
      readonly field?: readonly string[];
    }
  | { readonly domain: string; readonly role: string; readonly permission: string };

export interface Finding {
  readonly code: BreakingCode;
  readonly subject: Subject;
  readonly detail: string;
}

/** A finding's subject as suppressions name it: `shop.order.order-placed.lines.sku`, `shop.order:place.note`, `shop.role:clerk:order:cancel`. */
export function subjectText(subject: Subject): string {
  if ("role" in subject) return `${subject.domain}.role:${subject.role}:${subject.permission}`;
  const head = [subject.domain, subject.aggregate].filter((p) => p !== undefined).join(".");
  const name =
    subject.name === undefined
      ? ""
      : subject.section === "actions"
        ? `:${subject.name}`
        : subject.section === "state"
          ? `.state.${subject.name}`
          : `.${subject.name}`;
  return `${head}${name}${subject.field === undefined || subject.field.length === 0 ? "" : `.${subject.field.join(".")}`}`;
}

/** Stored events against what they were written as: the lock's versions, or another revision's current ones. */
export function compareEvents(locked: EventLock["events"], model: Model): Finding[] {
  const findings: Finding[] = [];
  const current = currentEvents(model);
  for (const [type, versions] of Object.entries(locked)) {
    // `<domain>.<aggregate>.<event>`: names are kebab-case, never dotted.
    const [domain = "", aggregate = "", event = ""] = type.split(".");
    const subject = { domain, aggregate, section: "events" as const, name: event };
    const now = current.get(type);
    if (now === undefined) {
      findings.push({ code: "event-removed", subject, detail: `event '${type}' was removed, but the store holds it` });
      continue;
    }
    const newest = Math.max(...Object.keys(versions).map(Number));
    if (now.version < newest) {
      findings.push({ code: "event-version-lowered", subject, detail: `event '${type}' is at version ${now.version}, but version ${newest} was recorded` });
      continue;
    }
    const was = versions[String(now.version)];
    // A higher version than any recorded: old events are upcast, step by step.
    if (was === undefined) continue;
    for (const change of compareFields(was, now.fields, "stored")) {
      findings.push({
        code: eventCode(change),
        subject: { ...subject, field: change.path },
        detail: `${change.detail} in event '${type}' without a version bump (and an upcaster)`,
      });
    }
  }
  return findings;
}

/** Everything between two revisions: the events as above, then commands, read models and policies. */
export function compareModels(old: Model, next: Model): Finding[] {
  const locked: Record<string, Record<string, ReturnType<typeof fieldsOf>>> = {};
  for (const [type, e] of currentEvents(old)) locked[type] = { [String(e.version)]: e.fields };
  const findings = compareEvents(locked, next);
  const nextDomains = new Map(next.domains.map((d) => [d.name, d]));
  for (const was of old.domains) {
    const now = nextDomains.get(was.name);
    findings.push(...compareCommands(was, now), ...compareState(was, now), ...comparePolicies(was, now));
  }
  return findings;
}

function compareCommands(old: DomainModel, next: DomainModel | undefined): Finding[] {
  const findings: Finding[] = [];
  for (const aggregate of old.aggregates) {
    const now = next?.aggregates.find((a) => a.name === aggregate.name);
    for (const action of aggregate.actions) {
      const subject = { domain: old.name, aggregate: aggregate.name, section: "actions" as const, name: action.name };
      const nowAction = now?.actions.find((a) => a.name === action.name);
      if (!nowAction) {
        findings.push({
          code: "action-removed",
          subject,
          detail: `action '${old.name}:${aggregate.name}:${action.name}' was removed (or renamed): clients that send it get 404`,
        });
        continue;
      }
      for (const change of compareFields(fieldsOf(action.payload), fieldsOf(nowAction.payload), "sent")) {
        const code = change.kind === "removed" ? "command-field-removed" : change.kind === "required" ? "command-field-required" : "command-field-narrowed";
        findings.push({
          code,
          subject: { ...subject, field: change.path },
          detail: `${change.detail} in the payload of '${aggregate.name}:${action.name}': what clients send today is refused`,
        });
      }
    }
  }
  return findings;
}

function compareState(old: DomainModel, next: DomainModel | undefined): Finding[] {
  const findings: Finding[] = [];
  for (const aggregate of old.aggregates) {
    const now = next?.aggregates.find((a) => a.name === aggregate.name);
    if (!now) continue;
    for (const change of compareFields(fieldsOf(aggregate.state), fieldsOf(now.state), "stored")) {
      if (change.kind === "required") continue;
      const [name = "", ...rest] = change.path;
      const code = change.kind === "removed" ? "state-field-removed" : "state-field-retyped";
      findings.push({
        code,
        subject: { domain: old.name, aggregate: aggregate.name, section: "state", name, field: rest },
        detail: `${change.detail} in the state of '${aggregate.name}': list filters and rows change for clients`,
      });
    }
  }
  return findings;
}

function comparePolicies(old: DomainModel, next: DomainModel | undefined): Finding[] {
  if (!next) return [];
  const allowed = (domain: DomainModel, role: string) => domain.rules.filter((r) => r.role === role).flatMap((r) => r.allow);
  const findings: Finding[] = [];
  const roles = [...new Set(next.rules.map((r) => r.role))];
  for (const role of roles) {
    const before = allowed(old, role);
    for (const permission of new Set(allowed(next, role))) {
      if (before.some((p) => covers(p, permission))) continue;
      findings.push({
        code: "permission-granted",
        subject: { domain: next.name, role, permission },
        detail: `role '${role}' is newly allowed '${permission}' in domain '${next.name}'`,
      });
    }
  }
  return findings;
}

/** Whether an allowed permission covers another: `*`, `order:*` covers `order:cancel`, `*:read` covers `order:read`, or the same. */
function covers(allowed: string, permission: string): boolean {
  if (allowed === "*" || allowed === permission) return true;
  const [resource, action] = allowed.split(":");
  if (resource === "*") return permission.endsWith(`:${action}`);
  return action === "*" && permission.startsWith(`${resource}:`);
}

function eventCode(change: DataChange): BreakingCode {
  switch (change.kind) {
    case "removed":
      return "event-field-removed";
    case "required":
      return "event-field-required";
    case "enum-value-removed":
      return "event-enum-value-removed";
    default:
      return "event-field-retyped";
  }
}
