import type { EventLock } from "../../breaking/lock.js";
import type { Fields } from "../../breaking/shape.js";
import { lockedDataType } from "./locked-data.js";
import { assignable } from "../../model/compat.js";
import type { ActionModel, AggregateModel, DomainModel, EventModel, FieldModel } from "../../model/model.js";
import { identifiers } from "../../model/naming.js";
import type { ValueType } from "../../model/types.js";
import { readModelColumns } from "./read-model.js";
import { columnKind } from "../sql/read-model-table.js";
import { evolveHelpers, evolveStatements } from "./evolve.js";
import { canonicalValue } from "@fluvius/runtime/internal/runtime/canonical";
import { objectSchema, schemaOf } from "./json-schema.js";
import { fieldDoc, optionalTypeDoc, propertyName, typeDoc } from "./type-expression.js";
import {
  arrayDoc,
  callDoc,
  type Doc,
  entryDoc,
  fluid,
  huggedCallDoc,
  importDoc,
  type JsValue,
  objectDoc,
  parametersDoc,
  print,
  printAfter,
  statement,
  typeAliasDoc,
  typeArgumentsDoc,
  valueDoc,
} from "../print.js";

/** Everything aggregate.ts.hbs prints; all decisions are made here, the template only lays out. */
export interface AggregateView {
  readonly header: string;
  readonly runtimeImport: string;
  readonly usesDeepEqual: boolean;
  readonly namedTypesImport?: string;
  readonly handlersImport?: string;
  readonly description?: string;
  readonly stateType: string;
  readonly state: readonly PropertyView[];
  readonly payloadMapType: string;
  readonly eventUnionType: string;
  readonly eventUnionDeclaration: string;
  readonly evolveSignature: string;
  readonly actions: readonly ActionView[];
  readonly events: readonly EventView[];
  readonly initialState: string;
  readonly evolveMeta: string;
  readonly hasEvents: boolean;
  readonly defineCall: string;
}

export interface PropertyView {
  readonly key: string;
  readonly optional: boolean;
  /** `key?: type;`, printed two spaces in (a long union breaks after the colon). */
  readonly member: string;
  readonly doc?: string;
}

export interface ActionView {
  readonly name: string;
  /** The name as a string literal. */
  readonly literal: string;
  readonly key: string;
  readonly payloadType: string;
  readonly payload: readonly PropertyView[];
  readonly handlerType: string;
  readonly handlerFunction: string;
  readonly schema: string;
  readonly schemaEntry: string;
  readonly description?: string;
  readonly creates: boolean;
  readonly permission: string;
  readonly when?: Doc;
  readonly emits: string;
  readonly emitted: readonly string[];
  /** `[{ field, aggregate }]` of the payload refs the runtime checks exist. */
  readonly checkedRefs?: Doc;
  /** The body of a fresh handler: builds the event(s) from the payload, or says what is left to write. */
  readonly stub: HandlerStub;
}

export interface HandlerStub {
  readonly parameters: "" | "{ payload }";
  /** `return { type, version, data };`, printed where the stub's body is. */
  readonly body?: Doc;
  readonly todo?: string;
}

export interface EventView {
  readonly name: string;
  readonly literal: string;
  readonly key: string;
  readonly version: number;
  readonly eventType: string;
  readonly dataType: string;
  readonly data: readonly PropertyView[];
  readonly schema: string;
  readonly description?: string;
  readonly statements: readonly string[];
  readonly handwritten: boolean;
  readonly evolverType: string;
  readonly evolverFunction: string;
  readonly upcasterType: string;
  readonly upcasters: readonly UpcasterStepView[];
  /** `{ 1: handlers.upcastXV1 }`: what the definition lists. */
  readonly upcasterDeclaration: string;
  /** Published to the broker (`public: true`). */
  readonly public: boolean;
}

/** One version step of an event's upcasting; typed when the lock recorded the older version. */
export interface UpcasterStepView {
  readonly from: number;
  readonly to: number;
  readonly function: string;
  /** The stub's signature: the step's typed one, or the event's untyped one. */
  readonly stepType: string;
  readonly typed: boolean;
  readonly fromDataType: string;
  readonly fromData?: string;
  readonly toType: string;
}

export interface AggregateViewInput {
  readonly domain: DomainModel;
  readonly aggregate: AggregateModel;
  readonly header: string;
  /** Relative import of the hand-written module, e.g. "../../domain/banking/account.js". */
  readonly handlersImport: string;
  /** The event lock's versions of this aggregate's events (by event name), for typed upcasters. */
  readonly lockedVersions?: LockedVersions;
}

/** By event name: the lock's data per version. */
export type LockedVersions = Readonly<Record<string, Readonly<Record<string, Fields>>>>;

/** The lock's versions of one aggregate's events. */
export function lockedVersionsOf(lock: EventLock | undefined, domain: string, aggregate: AggregateModel): LockedVersions {
  const out: Record<string, Readonly<Record<string, Fields>>> = {};
  for (const event of aggregate.events) {
    const versions = lock?.events[`${domain}.${aggregate.name}.${event.name}`];
    if (versions !== undefined && event.version > 1) out[event.name] = versions;
  }
  return out;
}

/** By aggregate of a model, then by its lock versions (JSON, "" for none): the views made so far. */
const memberViewsMade = new WeakMap<AggregateModel, Map<string, { readonly actions: ActionView[]; readonly events: EventView[] }>>();

/**
 * The views of an aggregate's actions and events: most of the printing of its module. A cold
 * `generate` needs them twice, for the handlers' stubs and for the generated module, so they
 * are made once per aggregate of a model (and lock versions) and shared.
 */
export function memberViews(
  aggregate: AggregateModel,
  lockedVersions: LockedVersions | undefined,
): { readonly actions: readonly ActionView[]; readonly events: readonly EventView[] } {
  const key = lockedVersions === undefined || Object.keys(lockedVersions).length === 0 ? "" : JSON.stringify(lockedVersions);
  let byLock = memberViewsMade.get(aggregate);
  if (byLock === undefined) memberViewsMade.set(aggregate, (byLock = new Map()));
  let views = byLock.get(key);
  if (views === undefined) {
    const actions = aggregate.actions.map((a) => actionView(a, aggregate));
    const events = aggregate.events.map((e) => eventView(e, aggregate, actions, lockedVersions?.[e.name]));
    byLock.set(key, (views = { actions, events }));
  }
  return views;
}

export function aggregateView(input: AggregateViewInput): AggregateView {
  const { domain, aggregate } = input;
  const { actions, events } = memberViews(aggregate, input.lockedVersions);
  const helpers = evolveHelpers(aggregate.events, aggregate.state);
  const evolveSteps = events.filter((e) => e.handwritten).map((e) => `handlers.${e.evolverFunction}`);
  const whens = aggregate.actions.filter((a) => a.when.length > 0);
  const runtimeValues = ["defineAggregate", ...helpers.filter((h) => h !== "isDeepStrictEqual")];
  if (whens.length > 0) runtimeValues.push("fieldIn");
  if (whens.some((a) => a.when.length > 1)) runtimeValues.push("allOf");
  const runtimeTypes = actions.length > 0 ? ["CommandHandler"] : [];
  if (events.length > 0) runtimeTypes.push("EventMeta");
  const usesHandlers = actions.length > 0 || events.some((e) => e.handwritten || e.upcasters.length > 0);
  const namedTypes = [...namedTypesUsed(aggregate)].sort();
  const stateType = identifiers.state(aggregate.name);
  const eventUnionType = identifiers.eventUnion(aggregate.name);
  const payloadMapType = identifiers.payloadMap(aggregate.name);
  const usesMeta = aggregate.events.some((e) => e.apply === undefined || (e.apply ?? []).some((op) => op.kind !== "unset" && op.value.kind === "meta"));
  return {
    header: input.header,
    runtimeImport: importDoc([...runtimeValues.sort(), ...runtimeTypes.sort().map((t) => `type ${t}`)], "@fluvius/runtime"),
    usesDeepEqual: helpers.includes("isDeepStrictEqual"),
    ...(namedTypes.length === 0 ? {} : { namedTypesImport: importDoc(namedTypes, "./_types.js", true) }),
    ...(usesHandlers ? { handlersImport: input.handlersImport } : {}),
    ...(aggregate.description === undefined ? {} : { description: aggregate.description }),
    stateType: identifiers.state(aggregate.name),
    state: aggregate.state.map((f) => property(f, stateFieldOptional(f))),
    payloadMapType,
    eventUnionType,
    eventUnionDeclaration: statement(typeAliasDoc(`export type ${eventUnionType}`, events.length === 0 ? ["never"] : events.map((e) => e.eventType))),
    actions: actions.map((a) => ({
      ...a,
      handlerDeclaration: statement([
        `export type ${a.handlerType} =`,
        fluid(typeArgumentsDoc("CommandHandler", [stateType, a.payloadType, eventUnionType, "lookups.Lookups"])),
        ";",
      ]),
    })),
    events: events.map((e) => ({
      ...e,
      evolverDeclaration: statement([
        `export type ${e.evolverType} =`,
        fluid([parametersDoc([`state: ${stateType}`, `event: ${e.eventType}`, "meta: EventMeta"]), ` => ${stateType}`]),
        ";",
      ]),
    })),
    initialState: printAfter("  return ", initialStateLiteral(aggregate.state), ";", 2),
    evolveMeta: usesMeta ? "meta" : "_meta",
    evolveSignature: statement([
      "export function evolve",
      parametersDoc([`state: ${stateType}`, `event: ${eventUnionType}`, `${usesMeta ? "meta" : "_meta"}: EventMeta`]),
      `: ${stateType} {`,
    ]),
    hasEvents: events.length > 0,
    defineCall: statement([
      "export const aggregate = ",
      huggedCallDoc(typeArgumentsDoc("defineAggregate", [stateType, eventUnionType, payloadMapType]), [
        `domain: ${JSON.stringify(domain.name)}`,
        `aggregate: ${JSON.stringify(aggregate.name)}`,
        // A function of the spec only: the runtime adds the source of the hand-written evolve
        // functions it loads (runtime/snapshot-key.ts), so editing one never stales this file.
        `specHash: ${JSON.stringify(aggregate.evolveHash)}`,
        ...(aggregate.snapshotEvery === undefined ? [] : [`snapshotEvery: ${aggregate.snapshotEvery}`]),
        "initialState",
        "evolve",
        ...(evolveSteps.length === 0 ? [] : [["evolveSteps: ", arrayDoc(evolveSteps)]]),
        ["events: ", objectDoc(events.map((e) => [`${e.key}: `, objectDoc(eventEntries(e))]))],
        ["actions: ", objectDoc(actions.map((a) => [`${a.key}: `, objectDoc(actionEntries(a))]))],
        ["readModel: ", valueDoc(readModelColumns(domain, aggregate) as unknown as JsValue)],
        ...(aggregate.naturalKey === undefined ? [] : [["naturalKey: ", valueDoc(naturalKeyOf(aggregate, aggregate.naturalKey.field))]]),
      ]),
      ";",
    ]),
  };
}

function eventEntries(e: EventView): Doc[] {
  const upcasters = e.upcasters.map((u) => `${u.from}: handlers.${u.function}${u.typed ? ` as unknown as ${e.upcasterType}` : ""}`);
  return [
    `version: ${e.version}`,
    `schema: eventSchemas[${e.literal}]`,
    ...(upcasters.length === 0 ? [] : [["upcasters: ", objectDoc(upcasters)]]),
    ...(e.public ? ["public: true"] : []),
  ];
}

function actionEntries(a: ActionView): Doc[] {
  return [
    `creates: ${a.creates}`,
    entryDoc("permission", JSON.stringify(a.permission)),
    `payloadSchema: payloadSchemas[${a.literal}]`,
    ...(a.when === undefined ? [] : [["when: ", a.when]]),
    ...(a.checkedRefs === undefined ? [] : [["checkedRefs: ", a.checkedRefs]]),
    `handle: handlers.${a.handlerFunction}`,
  ];
}

/** The field and its kind, from a creating action's payload (the check stage makes every creating action agree on it). */
function naturalKeyOf(aggregate: AggregateModel, field: string): { field: string; kind?: string } {
  const type = aggregate.actions.find((a) => a.creates)?.payload.find((f) => f.name === field)?.type;
  return type === undefined || type.kind === "unknown" ? { field } : { field, kind: columnKind(type) };
}

/**
 * A state field may be absent when it is optional, or required without a default and not
 * an array: nothing has set it until the creating event does. Arrays start empty.
 */
export function stateFieldOptional(field: FieldModel): boolean {
  return field.optional || (!field.hasDefault && field.type.kind !== "array");
}

/** An interface member `key: type;`, printed at two spaces. */
export function memberLine(key: string, type: Doc): string {
  return print([`${key}: `, type, ";"], { base: 2 });
}

export function property(field: FieldModel, optional: boolean): PropertyView {
  const doc = fieldDoc(field);
  const key = propertyName(field.name);
  return {
    key,
    optional,
    member: optional ? memberLine(`${key}?`, optionalTypeDoc(field.type)) : memberLine(key, typeDoc(field.type)),
    ...(doc === undefined ? {} : { doc }),
  };
}

function actionView(action: ActionModel, aggregate: AggregateModel): ActionView {
  const when = action.when.map((w) => {
    // The list of values hugs the call, `fieldIn("status", [` … `])`, when that fits (prettier's last-argument expansion).
    const values = w.values.map((v) => valueDoc(v as JsValue));
    return callDoc("fieldIn", [JSON.stringify(w.field), arrayDoc(values)], arrayDoc(values, true));
  });
  const key = propertyName(action.name);
  const schema = objectSchema(action.payload);
  return {
    name: action.name,
    literal: JSON.stringify(action.name),
    key,
    payloadType: identifiers.payload(action.name),
    payload: action.payload.map((f) => property(f, f.optional)),
    handlerType: identifiers.handlerType(action.name),
    handlerFunction: identifiers.handler(action.name),
    schema: JSON.stringify(schema),
    schemaEntry: printAfter(`  ${key}: `, valueDoc(schema as JsValue), ",", 2),
    ...(action.description === undefined ? {} : { description: action.description }),
    creates: action.creates,
    permission: `${aggregate.name}:${action.name}`,
    ...(when.length === 0 ? {} : { when: when.length === 1 ? when[0]! : callDoc("allOf", when) }),
    emits: action.emits.join(", "),
    emitted: action.emits,
    ...(action.checkedRefs.length === 0 ? {} : { checkedRefs: valueDoc(action.checkedRefs.map((r) => ({ field: r.field, aggregate: r.aggregate }))) }),
    stub: handlerStub(action, aggregate),
  };
}

/**
 * An event whose data has exactly the schema of the payload of an action that emits it (the
 * common case: the event records the command) points at that schema instead of repeating it.
 */
function eventSchema(event: EventModel, actions: readonly ActionView[]): string {
  const schema = objectSchema(event.payload);
  const json = JSON.stringify(schema);
  const source = actions.find((a) => a.emitted.includes(event.name) && a.schema === json);
  const key = propertyName(event.name);
  return printAfter(`  ${key}: `, source === undefined ? valueDoc(schema as JsValue) : `payloadSchemas[${source.literal}]`, ",", 2);
}

function eventView(event: EventModel, aggregate: AggregateModel, actions: readonly ActionView[], locked?: Readonly<Record<string, Fields>>): EventView {
  const untyped = "Readonly<Record<string, unknown>>";
  const upcasters = Array.from({ length: event.version - 1 }, (_, i): UpcasterStepView => {
    const from = i + 1;
    const to = i + 2;
    const fromFields = locked?.[String(from)];
    const toType =
      to === event.version ? identifiers.eventData(event.name) : locked?.[String(to)] !== undefined ? identifiers.lockedEventData(event.name, to) : untyped;
    return {
      from,
      to,
      function: identifiers.upcaster(event.name, from),
      typed: fromFields !== undefined,
      stepType: fromFields === undefined ? identifiers.upcasterType(event.name) : identifiers.upcasterStepType(event.name, from),
      fromDataType: identifiers.lockedEventData(event.name, from),
      ...(fromFields === undefined ? {} : { fromData: lockedDataType(fromFields) }),
      toType,
    };
  });
  return {
    name: event.name,
    literal: JSON.stringify(event.name),
    key: propertyName(event.name),
    version: event.version,
    eventType: identifiers.event(event.name),
    dataType: identifiers.eventData(event.name),
    data: event.payload.map((f) => property(f, f.optional)),
    schema: eventSchema(event, actions),
    ...(event.description === undefined ? {} : { description: event.description }),
    statements: evolveStatements(event, aggregate.state),
    handwritten: event.apply === undefined,
    evolverType: identifiers.evolverType(event.name),
    evolverFunction: identifiers.evolver(event.name),
    upcasterType: identifiers.upcasterType(event.name),
    upcasters,
    // A typed step meets the runtime's untyped table here: the hand-written function is checked against its own signature.
    upcasterDeclaration: statement([
      `export type ${identifiers.upcasterType(event.name)} =`,
      fluid([parametersDoc([`data: ${untyped}`]), ` => ${untyped}`]),
      ";",
    ]),
    public: event.public,
  };
}

/**
 * A fresh handler emits the declared event built from the payload when every required
 * field of it has a payload field of a fitting type; otherwise it says what to write.
 * An action that lists several events emits one of them or some of them, as its handler
 * decides (`reserve` emits `stock-reserved` or `reservation-refused`): a stub never guesses.
 */
function handlerStub(action: ActionModel, aggregate: AggregateModel): HandlerStub {
  const [name, ...others] = action.emits;
  if (name === undefined || others.length > 0) {
    return { parameters: "", todo: `decide which of ${action.emits.map((e) => `'${e}'`).join(", ")} to emit, and build it from the payload and the state` };
  }
  const event = aggregate.events.find((e) => e.name === name);
  if (!event) return { parameters: "", todo: `decide the '${name}' event` };
  const payload = new Map(action.payload.map((f) => [f.name, f]));
  const data: Doc[] = [];
  for (const field of event.payload) {
    const source = payload.get(field.name);
    const fits = source !== undefined && assignable(source.type, field.type) && (field.optional || !source.optional);
    if (fits) data.push(entryDoc(propertyName(field.name), `payload.${field.name}`));
    else if (!field.optional) return { parameters: "", todo: `build the '${name}' event: its field '${field.name}' has no matching payload field` };
  }
  const body = objectDoc([`type: ${JSON.stringify(event.name)}`, `version: ${event.version}`, ["data: ", objectDoc(data)]]);
  return { parameters: data.length === 0 ? "" : "{ payload }", body: ["return ", body, ";"] };
}

function initialStateLiteral(state: readonly FieldModel[]): Doc {
  const entries: { [key: string]: JsValue } = {};
  for (const field of state) {
    // In the runtime's one spelling (a default "0" of a scale-2 decimal is "0.00"), as the row will have it.
    if (field.hasDefault) entries[field.name] = canonicalValue(schemaOf(field.type), field.default) as JsValue;
    else if (!field.optional && field.type.kind === "array") entries[field.name] = [];
  }
  return valueDoc(entries);
}

function namedTypesUsed(aggregate: AggregateModel): Set<string> {
  return namedTypesIn([...aggregate.state, ...aggregate.actions.flatMap((a) => a.payload), ...aggregate.events.flatMap((e) => e.payload)]);
}

/** The named types (and JsonValue) that fields' TypeScript types name: what a module imports from `_types.js`. */
export function namedTypesIn(fields: readonly FieldModel[]): Set<string> {
  const names = new Set<string>();
  const visit = (type: ValueType): void => {
    if ("typeName" in type && type.typeName !== undefined) {
      names.add(type.typeName);
      return;
    }
    if (type.kind === "array") visit(type.element);
    if (type.kind === "object") for (const f of type.fields) visit(f.type);
    if (type.kind === "primitive" && type.primitive === "json") names.add("JsonValue");
  };
  for (const f of fields) visit(f.type);
  return names;
}
