import type { ActionModel, AggregateModel, DomainModel, FieldModel, Model, ReactionModel, ReactionValue } from "../../model/model.js";
import { camelCase, EXTERNAL_STREAM, identifiers, RESERVED_WORDS } from "../../model/naming.js";
import type { ValueType } from "../../model/types.js";
import { canonicalValue } from "@fluvius/runtime/internal/runtime/canonical";
import { importSpecifier, layout } from "../paths.js";
import { schemaOf } from "./json-schema.js";
import { propertyName } from "./type-expression.js";
import {
  arrayDoc,
  arrowDoc,
  callDoc,
  type Doc,
  entryDoc,
  fluid,
  group,
  huggedCallDoc,
  importDoc,
  type JsValue,
  join,
  line,
  objectDoc,
  parametersDoc,
  print,
  statement,
  valueDoc,
} from "../print.js";

/**
 * What reactions.ts.hbs prints: one `defineReaction<Event>(…)` per reaction of the domain,
 * with every expression built here (the template only lays them out). Commands are built so
 * that tsc checks them: each payload `satisfies` the target action's payload type.
 */
export interface ReactionsView {
  readonly header: string;
  readonly runtimeImport: string;
  readonly modules: readonly ModuleImport[];
  /** `import type { ShopCommand } from "./_messages.js"`, for the reactor signatures. */
  readonly commandUnion?: { readonly name: string; readonly from: string };
  /** The hand-written reactors' module, when a reaction has `handler: true`. */
  readonly reactorsImport?: string;
  readonly usesIsOneOf: boolean;
  readonly reactorTypes: readonly ReactorTypeView[];
  readonly reactions: readonly ReactionView[];
}

/** `import type * as <alias> from "<from>"`: an aggregate module the reactions read types of. */
export interface ModuleImport {
  readonly alias: string;
  readonly from: string;
}

export interface ReactorTypeView {
  readonly name: string;
  readonly doc: string;
  /** `export type <Name> = (event, context) => …;`, printed. */
  readonly declaration: string;
}

export interface ReactionView {
  readonly doc: string;
  /** `defineReaction<Event>({ … }),`, printed as an element of the `reactions` array. */
  readonly definition: string;
}

/** What the hand-written reactors module gets: one stub per `handler: true` reaction. */
export interface ReactorStubView {
  readonly reaction: string;
  readonly function: string;
  readonly type: string;
  readonly doc: string;
}

/** Names the generated module declares or uses, which an aggregate's alias must not take. */
const TAKEN = ["defineReaction", "reactions", "reactors", "isOneOf", "event", "item", "context"];

export interface ReactionsViewInput {
  readonly model: Model;
  readonly domain: DomainModel;
  readonly header: string;
  /** Relative import of the hand-written reactors, e.g. "../../domain/shop/_reactions.js". */
  readonly reactorsImport: string;
}

export function reactionsView(input: ReactionsViewInput): ReactionsView {
  const { model, domain } = input;
  const aliases = moduleAliases(domain, referencedModules(domain));
  const modulePath = layout.reactionsModule(domain.name);
  const modules = [...aliases.entries()].map(([key, alias]) => {
    const [d = "", a = ""] = key.split("/");
    return { alias, from: importSpecifier(modulePath, a === EXTERNAL_STREAM ? layout.externalModule(d) : layout.aggregateModule(d, a)) };
  });
  const alias = (d: string, a: string) => aliases.get(`${d}/${a}`) ?? "";
  const eventType = (on: ReactionModel["on"]) =>
    `${alias(on.domain, on.aggregate)}.${on.aggregate === EXTERNAL_STREAM ? identifiers.externalEvent(on.event) : identifiers.event(on.event)}`;
  const handlers = domain.reactions.filter((r) => r.effect.kind === "handler");
  const commandType = identifiers.domainCommandUnion(domain.name);
  const reactorTypes = handlers.map((r) => ({
    name: identifiers.reactorType(r.name),
    doc: reactionDoc(r, domain.name),
    declaration: statement([
      `export type ${identifiers.reactorType(r.name)} =`,
      fluid([
        parametersDoc([`event: EventRecord<${eventType(r.on)}>`, "context: ReactionContext"]),
        ` => readonly ${commandType}[] | Promise<readonly ${commandType}[]>`,
      ]),
      ";",
    ]),
  }));
  const reactions = domain.reactions.map((r) => reactionView(model, domain, r, alias, eventType(r.on)));
  const runtimeImports = ["defineReaction", "type AnyReactionDefinition", ...(handlers.length > 0 ? ["type EventRecord", "type ReactionContext"] : [])];
  return {
    header: input.header,
    runtimeImport: importDoc(runtimeImports, "@fluvius/runtime"),
    modules,
    ...(handlers.length > 0 ? { commandUnion: { name: commandType, from: "./_messages.js" }, reactorsImport: input.reactorsImport } : {}),
    usesIsOneOf: domain.reactions.some((r) => r.when.length > 0),
    reactorTypes,
    reactions,
  };
}

/** The stubs of the hand-written reactors module, in spec order. */
export function reactorStubViews(domain: DomainModel): ReactorStubView[] {
  return domain.reactions
    .filter((r) => r.effect.kind === "handler")
    .map((r) => ({ reaction: r.name, function: identifiers.reactor(r.name), type: identifiers.reactorType(r.name), doc: reactionDoc(r, domain.name) }));
}

/** "`large-order-review` (on order.order-placed): A hand-written reactor decides…", without a final period. */
function reactionDoc(reaction: ReactionModel, home: string): string {
  const on =
    reaction.on.domain === home ? `${reaction.on.aggregate}.${reaction.on.event}` : `${reaction.on.domain}.${reaction.on.aggregate}.${reaction.on.event}`;
  const description = reaction.description?.trim().replace(/\.$/, "");
  const text = `\`${reaction.name}\` (on ${on})${description === undefined || description === "" ? "" : `: ${description}`}`;
  return text.replace(/\*\//g, "*\\/");
}

/** Every aggregate module a domain's reactions read types from, as "domain/aggregate" ("domain/external": its external events' module). */
function referencedModules(domain: DomainModel): Set<string> {
  const keys = new Set<string>();
  for (const r of domain.reactions) {
    keys.add(`${r.on.domain}/${r.on.aggregate}`);
    if (r.effect.kind === "command") keys.add(`${r.effect.domain}/${r.effect.aggregate}`);
  }
  return keys;
}

/**
 * A namespace alias per module: the aggregate's camelCase name in its own domain, the
 * domain's prefixed for another domain (`billingInvoice`); a keyword or a taken name gets
 * `Module` (and a number if even that is taken). Own modules first, then by name, so the
 * choice is stable.
 */
export function moduleAliases(domain: DomainModel, keys: ReadonlySet<string>): Map<string, string> {
  const own = (key: string) => key.startsWith(`${domain.name}/`);
  const sorted = [...keys].sort((a, b) => (own(a) === own(b) ? (a < b ? -1 : a > b ? 1 : 0) : own(a) ? -1 : 1));
  const taken = new Set(TAKEN);
  const result = new Map<string, string>();
  for (const key of sorted) {
    const [d = "", a = ""] = key.split("/");
    const preferred = camelCase(own(key) ? a : `${d}-${a}`);
    let alias = preferred;
    for (let n = 1; taken.has(alias) || RESERVED_WORDS.has(alias); n++) alias = `${preferred}Module${n === 1 ? "" : n}`;
    taken.add(alias);
    result.set(key, alias);
  }
  return result;
}

type Alias = (domain: string, aggregate: string) => string;

function reactionView(model: Model, home: DomainModel, reaction: ReactionModel, alias: Alias, eventType: string): ReactionView {
  const data = sourcePayload(model, reaction.on);
  const when = reaction.when.map((c) => {
    const field = data.find((f) => f.name === c.field);
    const values = c.values.map((v) => (v === null || field === undefined ? v : canonicalValue(schemaOf(field.type), v)));
    const elements = values.map((v) => valueDoc(v as JsValue));
    return callDoc("isOneOf", [access("event.event.data", [c.field], data), arrayDoc(elements)], arrayDoc(elements, true));
  });
  const entries: Doc[] = [
    `domain: ${JSON.stringify(home.name)}`,
    `name: ${JSON.stringify(reaction.name)}`,
    ["on: ", objectDoc([`streamType: ${JSON.stringify(`${reaction.on.domain}.${reaction.on.aggregate}`)}`, `eventType: ${JSON.stringify(reaction.on.event)}`])],
    ...(when.length === 0 ? [] : [["when: ", arrowDoc("(event)", when.length === 1 ? when[0]! : group(join([" &&", line], when)), false)]]),
    ...(reaction.delay === undefined ? [] : [["delay: ", delayDoc(reaction.delay, data)]]),
    ...(reaction.cancelledBy.length === 0 ? [] : [["cancelledBy: ", valueDoc(reaction.cancelledBy)]]),
    ["effect: ", effectDoc(model, home, reaction, data, alias)],
  ];
  return {
    doc: reactionDoc(reaction, home.name),
    definition: print([huggedCallDoc(`defineReaction<${eventType}>`, entries), ","], { base: 2 }),
  };
}

function delayDoc(delay: NonNullable<ReactionModel["delay"]>, data: readonly FieldModel[]): Doc {
  if (delay.kind === "after") return objectDoc(['kind: "after"', `milliseconds: ${delay.milliseconds}`]);
  const scope: Scope = { data };
  // `at` is a datetime of the event (the check stage makes sure), possibly absent.
  const time = valueExpression(delay.value, scope, { type: { kind: "primitive", primitive: "datetime", constraints: {} }, optional: true });
  return objectDoc(['kind: "at"', ["time: ", arrowDoc("(event)", time.text, false)]]);
}

function effectDoc(model: Model, home: DomainModel, reaction: ReactionModel, data: readonly FieldModel[], alias: Alias): Doc {
  const effect = reaction.effect;
  switch (effect.kind) {
    case "notify":
      return objectDoc(['kind: "notify"', `integration: ${JSON.stringify(effect.integration)}`]);
    case "handler":
      return objectDoc(['kind: "commands"', `commands: reactors.${identifiers.reactor(reaction.name)}`]);
    case "command": {
      const action = actionOf(model, effect.domain, effect.aggregate, effect.action);
      const fields = action?.payload ?? [];
      const element = reaction.forEach === undefined ? undefined : elementType(data, reaction.forEach);
      const scope: Scope = element === undefined ? { data } : { data, item: element };
      const parts: Doc[] = [];
      let usesEvent = false;
      let usesItem = false;
      const use = (value: Expression) => {
        usesEvent ||= value.usesEvent;
        usesItem ||= value.usesItem;
        return value.text;
      };
      if (effect.domain !== home.name) parts.push(`domain: ${JSON.stringify(effect.domain)}`);
      parts.push(`aggregate: ${JSON.stringify(effect.aggregate)}`, `action: ${JSON.stringify(effect.action)}`);
      if (effect.target.kind === "stream") parts.push(entryDoc("streamId", use(valueExpression(effect.target.id, scope, { type: UUID, optional: false }))));
      if (effect.target.kind === "key")
        parts.push(entryDoc("key", use(valueExpression(effect.target.value, scope, { type: { kind: "unknown" }, optional: false }))));
      const payloadType = `${alias(effect.domain, effect.aggregate)}.${identifiers.payloadMap(effect.aggregate)}[${JSON.stringify(effect.action)}]`;
      const payload: Doc[] = [];
      for (const { field, value } of effect.payload) {
        const slot = fields.find((f) => f.name === field);
        // A literal null is an absent optional field: the property is left out.
        if (value.kind === "literal" && value.value === null) continue;
        const expression = valueExpression(value, scope, slot ?? { type: { kind: "unknown" }, optional: true });
        // A `json` field takes any value, but TypeScript's JsonValue has no room for interfaces
        // or optional properties: such a value is passed as the field's type.
        const cast = slot !== undefined && expression.type !== undefined && !fitsTypeScript(expression.type, slot.type);
        payload.push(entryDoc(propertyName(field), `${use(expression)}${cast ? ` as unknown as ${payloadType}[${JSON.stringify(field)}]` : ""}`));
      }
      parts.push(["payload: ", objectDoc(payload), ` satisfies ${payloadType}`]);
      if (reaction.forEach === undefined) {
        return objectDoc(['kind: "commands"', ["commands: ", arrowDoc(`(${usesEvent ? "event" : ""})`, arrayDoc([objectDoc(parts)]), true)]]);
      }
      // One command per element: the runtime derives each command's id from its index.
      const list = access("event.event.data", reaction.forEach, data);
      const optional = pathOptional(data, reaction.forEach);
      const item = `(${usesItem ? "item" : ""})`;
      const perItem = callDoc(
        `${optional ? `(${list} ?? [])` : list}.map`,
        [arrowDoc(item, ["(", objectDoc(parts), ")"], true)],
        arrowDoc(item, ["(", objectDoc(parts, true), ")"], true),
      );
      return objectDoc(['kind: "commands"', ["commands: ", arrowDoc("(event)", perItem, false)]]);
    }
  }
}

const UUID: ValueType = { kind: "primitive", primitive: "uuid", constraints: {} };

interface Scope {
  readonly data: readonly FieldModel[];
  /** The `forEach` element's type. */
  readonly item?: ValueType;
}

interface Expression {
  readonly text: string;
  readonly usesEvent: boolean;
  readonly usesItem: boolean;
  /** The type of a reference into the event's data or the item. */
  readonly type?: ValueType;
}

/** The TypeScript expression of a reaction's value, for a slot of this type (and optionality). */
function valueExpression(value: ReactionValue, scope: Scope, slot: { readonly type: ValueType; readonly optional: boolean }): Expression {
  const ofEvent = (text: string) => ({ text, usesEvent: true, usesItem: false });
  switch (value.kind) {
    case "literal":
      // A literal object or array is one line: JavaScript spelling, as prettier prints it flat.
      return { text: print(valueDoc(literalValue(value.value, slot.type) as JsValue), { at: -10_000 }), usesEvent: false, usesItem: false };
    case "event-data": {
      const type = typeAt(scope.data, value.path);
      return { ...ofEvent(access("event.event.data", value.path, scope.data)), ...(type === undefined ? {} : { type }) };
    }
    case "item": {
      const fields = scope.item?.kind === "object" ? scope.item.fields : [];
      const type = value.path.length === 0 ? scope.item : typeAt(fields, value.path);
      return { text: access("item", value.path, fields), usesEvent: false, usesItem: true, ...(type === undefined ? {} : { type }) };
    }
    case "event-meta":
      switch (value.name) {
        case "id":
          return ofEvent("event.eventId");
        case "streamId":
          return ofEvent("event.streamId");
        case "recordedAt":
          return ofEvent("event.recordedAt");
        // Events a system process recorded may have no actor (as `$meta.actorId` in `apply`).
        case "actorId":
          return ofEvent(slot.optional ? "event.actorId ?? undefined" : 'event.actorId ?? ""');
        // The first event of a chain has no correlation id: it is its own correlation.
        case "correlationId":
          return ofEvent("event.correlationId ?? event.eventId");
      }
  }
}

/** A property path from `root`, with `?.` after every optional step (read through object fields). */
export function access(root: string, path: readonly string[], fields: readonly FieldModel[]): string {
  let text = root;
  let current: readonly FieldModel[] = fields;
  let optional = false;
  for (const name of path) {
    const key = propertyName(name);
    text += key === name ? `${optional ? "?." : "."}${name}` : `${optional ? "?." : ""}[${key}]`;
    const field = current.find((f) => f.name === name);
    optional ||= field?.optional ?? false;
    current = field?.type.kind === "object" ? field.type.fields : [];
  }
  return text;
}

function pathOptional(fields: readonly FieldModel[], path: readonly string[]): boolean {
  let current: readonly FieldModel[] = fields;
  for (const name of path) {
    const field = current.find((f) => f.name === name);
    if (!field) return false;
    if (field.optional) return true;
    current = field.type.kind === "object" ? field.type.fields : [];
  }
  return false;
}

/** The type at a path through object fields. */
function typeAt(fields: readonly FieldModel[], path: readonly string[]): ValueType | undefined {
  let current: readonly FieldModel[] = fields;
  let type: ValueType | undefined;
  for (const name of path) {
    const field = current.find((f) => f.name === name);
    type = field?.type;
    current = type?.kind === "object" ? type.fields : [];
  }
  return type;
}

function elementType(fields: readonly FieldModel[], path: readonly string[]): ValueType | undefined {
  const type = typeAt(fields, path);
  return type?.kind === "array" ? type.element : undefined;
}

/**
 * Whether TypeScript accepts a value of `source` where `target` goes, for values the check
 * stage accepted: only a `json` slot differs, since JsonValue has an index signature that
 * interfaces (named types) and optional properties do not satisfy.
 */
function fitsTypeScript(source: ValueType, target: ValueType): boolean {
  if (target.kind === "primitive" && target.primitive === "json") return source.kind === "primitive" || source.kind === "enum" || source.kind === "ref";
  if (target.kind === "array") return source.kind !== "array" || fitsTypeScript(source.element, target.element);
  if (target.kind === "object" && source.kind === "object") {
    return target.fields.every((t) => {
      const f = source.fields.find((s) => s.name === t.name);
      return f === undefined || fitsTypeScript(f.type, t.type);
    });
  }
  return true;
}

/**
 * A literal in the runtime's one spelling for its slot (a scale-2 decimal "5" is "5.00"),
 * without the properties an object literal leaves absent by writing null.
 */
export function literalValue(value: unknown, type: ValueType): unknown {
  const canonical = type.kind === "unknown" ? value : canonicalValue(schemaOf(type), value);
  return withoutAbsent(canonical, type);
}

function withoutAbsent(value: unknown, type: ValueType): unknown {
  if (type.kind === "array" && Array.isArray(value)) return value.map((v) => withoutAbsent(v, type.element));
  if (type.kind === "object" && value !== null && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Readonly<Record<string, unknown>>;
    const result: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(record)) {
      const field = type.fields.find((f) => f.name === key);
      if (v === null && field?.optional === true) continue;
      result[key] = field === undefined ? v : withoutAbsent(v, field.type);
    }
    return result;
  }
  return value;
}

/** The data fields of the event a reaction hears: an aggregate's event, or an external event. */
function sourcePayload(model: Model, on: ReactionModel["on"]): readonly FieldModel[] {
  if (on.aggregate === EXTERNAL_STREAM) return model.domains.find((d) => d.name === on.domain)?.externals.find((e) => e.name === on.event)?.payload ?? [];
  return aggregateOf(model, on.domain, on.aggregate)?.events.find((e) => e.name === on.event)?.payload ?? [];
}

function aggregateOf(model: Model, domain: string, aggregate: string): AggregateModel | undefined {
  return model.domains.find((d) => d.name === domain)?.aggregates.find((a) => a.name === aggregate);
}

function actionOf(model: Model, domain: string, aggregate: string, action: string): ActionModel | undefined {
  return aggregateOf(model, domain, aggregate)?.actions.find((a) => a.name === action);
}

/** The other domains whose models a domain's reactions are made from (their specs feed the file's input hash). */
export function referencedDomains(domain: DomainModel): string[] {
  const names = new Set<string>();
  for (const r of domain.reactions) {
    names.add(r.on.domain);
    if (r.effect.kind === "command") names.add(r.effect.domain);
  }
  names.delete(domain.name);
  return [...names].sort();
}
