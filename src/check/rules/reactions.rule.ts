import { didYouMean } from "../../diagnostics/suggest.js";
import { parseDuration, reactionSubject } from "../../model/reaction-values.js";
import { describeType, type FieldInfo, type ValueType } from "../../model/types.js";
import type { DataPath } from "../../parse/source-file.js";
import type { ReactionSpec } from "../../validate/spec.js";
import type { BoundDomain, Declaration } from "../bind.js";
import type { CheckContext, Rule, Site } from "../context.js";
import { type ResolvedCommand, resolveReactionCommand, resolveReactionSource } from "../reaction-refs.js";
import { type ReactionValueScope, type TypedValue, typeReactionValue } from "../reaction-values.js";
import { describeSlotValue, fitsSlot, type SlotValue } from "../slot.js";
import { valueProblem } from "../values.js";

const UUID: ValueType = { kind: "primitive", primitive: "uuid", constraints: {} };
const DATETIME: ValueType = { kind: "primitive", primitive: "datetime", constraints: {} };
const EFFECTS = ["do", "handler", "notify"] as const;

/**
 * Reactions listen to declared events, do exactly one thing, and issue commands that
 * type-check against the target action (like `apply` against the state) and that a policy
 * rule allows.
 */
export const reactionsRule: Rule = {
  name: "reactions",
  reads: "project",
  codes: [
    "unknown-domain",
    "unknown-aggregate",
    "unknown-action",
    "unknown-reaction-event",
    "unknown-event-field",
    "unknown-command-field",
    "missing-command-field",
    "reaction-type-mismatch",
    "invalid-reaction",
    "invalid-duration",
    "unknown-integration",
    "unknown-variable",
    "invalid-condition-value",
    "reaction-not-allowed",
  ],
  check(domain, context) {
    for (const reaction of domain.reactions.values()) checkReaction(domain, reaction, context);
  },
};

interface ReactionCheck {
  readonly context: CheckContext;
  readonly home: BoundDomain;
  readonly reaction: Declaration<ReactionSpec>;
  site(...keys: DataPath): Site;
  problem(detail: string, key?: keyof ReactionSpec): void;
  mismatch(slot: string, slotType: ValueType | string, value: TypedValue, key: DataPath): void;
}

function checkReaction(home: BoundDomain, reaction: Declaration<ReactionSpec>, context: CheckContext): void {
  const { spec, file, path } = reaction;
  const check: ReactionCheck = {
    context,
    home,
    reaction,
    site: (...keys) => ({ file, path: [...path, ...keys] }),
    problem: (detail, key) =>
      context.report(
        "invalid-reaction",
        { reaction: reaction.name, detail },
        key === undefined ? { file, path, part: "key" } : { file, path: [...path, key], part: "key" },
      ),
    mismatch: (slot, slotType, value, key) =>
      context.report(
        "reaction-type-mismatch",
        { reaction: reaction.name, slot, slotType: typeof slotType === "string" ? slotType : describeType(slotType), value: describeValue(value) },
        { file, path: [...path, ...key] },
      ),
  };

  checkShape(spec, check);
  const source = resolveReactionSource(home, reaction, context, context.report);
  if (!source) return; // everything below reads the event's data
  const data = source.domain.resolver.fields(source.payload);
  if (source.external && spec.cancelledBy !== undefined) {
    check.problem(
      "an external event is a stream of its own, so no later event can cancel it; drop `cancelledBy`, or let the target action's `when` decide at fire time",
      "cancelledBy",
    );
  }
  for (const [i, event] of (source.external ? [] : (spec.cancelledBy ?? [])).entries()) {
    if (source.streamEvents.includes(event)) continue;
    context.report(
      "unknown-reaction-event",
      {
        reaction: reaction.name,
        relation: "is cancelled by",
        event,
        owner: `an event of aggregate '${source.aggregate}'`,
        suggestion: didYouMean(event, source.streamEvents),
      },
      check.site("cancelledBy", i),
    );
  }
  checkWhen(spec, data, source.event, check);

  const base: ReactionValueScope = { context, event: source.event, data };
  const item = spec.forEach === undefined ? undefined : forEachElement(spec.forEach, base, check);
  const scope: ReactionValueScope = item === undefined ? base : { ...base, item };
  if (spec.at !== undefined) {
    // One time per event: `$item` (one per command) is not in scope here.
    const at = typeReactionValue(spec.at, base, check.site("at"));
    if (at?.kind === "literal") check.problem("`at` reads a time from the event, e.g. `$event.data.dueAt`; for a fixed delay use `after`", "at");
    else if (at && !fits(at, DATETIME, false)) check.mismatch("`at`", DATETIME, at, ["at"]);
  }
  if (spec.do !== undefined) checkCommand(spec, spec.do, scope, check);
}

/** One effect; the keys that belong to `do` only with it; delays and cancellation together. */
function checkShape(spec: ReactionSpec, check: ReactionCheck): void {
  const effects = EFFECTS.filter((key) => spec[key] !== undefined);
  if (effects.length === 0) check.problem("say what it does: `do: <aggregate>:<action>`, `handler: true` or `notify: <integration>`");
  else if (effects.length > 1) check.problem(`it does one thing; give one of ${effects.map((e) => `\`${e}\``).join(", ")}`, effects[1]);
  if (spec.do === undefined) {
    for (const key of ["forEach", "id", "key", "payload"] as const) if (spec[key] !== undefined) check.problem(`\`${key}\` goes only with \`do\``, key);
  }
  if (spec.after !== undefined && spec.at !== undefined) check.problem("give `after` or `at`, not both", "at");
  if (spec.after !== undefined && parseDuration(spec.after) === undefined) check.context.report("invalid-duration", { text: spec.after }, check.site("after"));
  if (spec.cancelledBy !== undefined && spec.after === undefined && spec.at === undefined) {
    check.problem("`cancelledBy` cancels a waiting reaction; give it a delay with `after` or `at`", "cancelledBy");
  }
  const { integrations } = check.context.project;
  if (spec.notify !== undefined && !integrations.includes(spec.notify)) {
    check.context.report("unknown-integration", { name: spec.notify, suggestion: didYouMean(spec.notify, integrations) }, check.site("notify"));
  }
}

function checkWhen(spec: ReactionSpec, data: readonly FieldInfo[], event: string, check: ReactionCheck): void {
  for (const [name, value] of Object.entries(spec.when ?? {})) {
    const field = data.find((f) => f.name === name);
    if (!field) {
      check.context.report(
        "unknown-event-field",
        {
          field: name,
          event,
          suggestion: didYouMean(
            name,
            data.map((f) => f.name),
          ),
        },
        { ...check.site("when", name), part: "key" },
      );
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      const problem = valueProblem(v, field.type, field.optional);
      if (problem) {
        check.context.report("invalid-condition-value", { field: name, detail: problem }, check.site("when", name));
        break;
      }
    }
  }
}

/** The element type of the array `forEach` names, or undefined when it names none. */
function forEachElement(text: string, scope: ReactionValueScope, check: ReactionCheck): ValueType | undefined {
  const typed = typeReactionValue(text, scope, check.site("forEach"));
  if (!typed) return { kind: "unknown" };
  if (typed.kind === "literal" || typed.value.kind !== "event-data") {
    check.problem("`forEach` names an array of the event's data, e.g. `$event.data.lines`", "forEach");
    return { kind: "unknown" };
  }
  if (typed.type.kind === "array") return typed.type.element;
  if (typed.type.kind === "unknown") return typed.type;
  check.mismatch("`forEach`", "a list", typed, ["forEach"]);
  return { kind: "unknown" };
}

function checkCommand(spec: ReactionSpec, text: string, scope: ReactionValueScope, check: ReactionCheck): void {
  const { context, home, reaction } = check;
  const command = resolveReactionCommand(home, reaction, text, context, context.report);
  if (!command) return;
  const creates = command.spec.creates === true;
  if (spec.key !== undefined) {
    checkKey(spec, command, creates, scope, check);
  } else if (spec.id === undefined) {
    if (!creates) check.problem(`action '${command.action}' changes an existing stream; say which with \`id\`, e.g. \`id: $event.streamId\``, "do");
  } else if (spec.id === "new") {
    if (!creates) check.problem(`\`id: new\` starts a stream, but action '${command.action}' does not create one`, "id");
  } else {
    const id = typeReactionValue(spec.id, scope, check.site("id"));
    if (id && !fits(id, UUID, false)) check.mismatch("`id`", UUID, id, ["id"]);
  }

  const fields = command.domain.resolver.fields(command.spec.payload);
  const given = spec.payload ?? {};
  for (const [name, value] of Object.entries(given)) {
    const field = fields.find((f) => f.name === name);
    const at = check.site("payload", name);
    if (!field) {
      context.report(
        "unknown-command-field",
        {
          field: name,
          action: command.action,
          suggestion: didYouMean(
            name,
            fields.map((f) => f.name),
          ),
        },
        { ...at, part: "key" },
      );
      continue;
    }
    const typed = typeReactionValue(value, scope, at);
    if (typed && !fits(typed, field.type, field.optional))
      check.mismatch(`payload field '${name}' of '${command.action}'`, field.type, typed, ["payload", name]);
  }
  for (const field of fields) {
    if (!field.optional && !Object.hasOwn(given, field.name)) {
      context.report(
        "missing-command-field",
        { reaction: reaction.name, field: field.name, action: command.action },
        check.site(spec.payload === undefined ? "do" : "payload"),
      );
    }
  }

  const subject = reactionSubject(reaction.name, home.name, command.domain.name);
  const permission = `${command.aggregate.name}:${command.action}`;
  const allowed = command.domain.rules.some(
    (r) => r.spec.reaction === subject && r.spec.allow.some((p) => p === "*" || p === permission || p === `${command.aggregate.name}:*`),
  );
  if (!allowed) context.report("reaction-not-allowed", { reaction: subject, permission, domain: command.domain.name }, check.site("do"));
}

function fits(value: TypedValue, type: ValueType, optional: boolean): boolean {
  return fitsSlot(asSlot(value), type, optional);
}

function describeValue(value: TypedValue): string {
  return describeSlotValue(asSlot(value));
}

function asSlot(value: TypedValue): SlotValue {
  if (value.kind === "literal") return value;
  return { ...value, kind: "reference", isActorId: value.value.kind === "event-meta" && value.value.name === "actorId" };
}

/**
 * `key:` names the target by its natural key: the target aggregate must have one
 * (`id: { from }`), the action must change an existing stream (a creating one takes the key
 * from its payload), and the value must fit the key's type.
 */
function checkKey(spec: ReactionSpec, command: ResolvedCommand, creates: boolean, scope: ReactionValueScope, check: ReactionCheck): void {
  const from = command.aggregate.spec.id?.from;
  if (spec.id !== undefined) check.problem("`key` and `id` both name the target stream; give one", "key");
  else if (from === undefined)
    check.problem(
      `\`key\` names a stream by its natural key, but aggregate '${command.aggregate.name}' has none (\`id: { from: <field> }\`); use \`id\``,
      "key",
    );
  else if (creates) check.problem(`action '${command.action}' creates a stream, whose id its payload's '${from}' decides; drop \`key\``, "key");
  if (from === undefined || creates || spec.id !== undefined) return;
  const creating = Object.values(command.aggregate.spec.actions ?? {}).find((a) => a.creates === true && a.payload?.[from] !== undefined);
  const keySpec = creating?.payload?.[from];
  const typed = typeReactionValue(spec.key, scope, check.site("key"));
  if (keySpec === undefined || !typed) return;
  const keyField = command.domain.resolver.field(from, keySpec);
  if (!fits(typed, keyField.type, false)) check.mismatch("`key`", keyField.type, typed, ["key"]);
}
