import type { DomainModel, FieldModel, Model, ViewModel, ViewSourceModel, ViewValue } from "../../model/model.js";
import { identifiers } from "../../model/naming.js";
import type { ValueType } from "../../model/types.js";
import { canonicalValue } from "@fluvius/runtime/internal/runtime/canonical";
import { viewTable } from "../sql/view-table.js";
import { importSpecifier, layout } from "../paths.js";
import { namedTypesIn } from "./aggregate-view.js";
import { schemaOf } from "./json-schema.js";
import { access, literalValue, moduleAliases, type ModuleImport } from "./reactions-view.js";
import { propertyName, typeDoc, typeLiteralDoc } from "./type-expression.js";
import {
  arrayDoc,
  callDoc,
  code,
  fluid,
  type Doc,
  group,
  hardline,
  huggedCallDoc,
  importDoc,
  indent,
  join,
  type JsValue,
  line,
  objectDoc,
  parametersDoc,
  print,
  softline,
  statement,
  typeAliasDoc,
  valueDoc,
} from "../print.js";

/** What views.ts.hbs prints: one `defineView(…)` per view, every expression built here. */
export interface ViewsView {
  readonly header: string;
  readonly runtimeImport: string;
  readonly modules: readonly ModuleImport[];
  readonly usesIsOneOf: boolean;
  /** The hand-written projectors' module, when a view has `handler: true`. */
  readonly projectorsImport?: string;
  /** The import of the domain's named types the hand-written views' rows use (from `./_types.js`). */
  readonly namedTypesImport?: string;
  readonly views: readonly ViewView[];
}

export interface ViewView {
  readonly doc: string;
  readonly name: string;
  /** A hand-written view's types: what its projector gets and returns. */
  readonly handwritten?: HandwrittenTypesView;
  /** `defineView({ … }),`, printed as an element of the `views` array. */
  readonly definition: string;
}

export interface HandwrittenTypesView {
  readonly row: string;
  /** `  name: type;`, printed. */
  readonly rowFields: readonly string[];
  readonly key: string;
  readonly keyFields: string;
  readonly change: string;
  readonly setFields: string;
  readonly numericFields: string;
  readonly countFields: string;
  readonly unsetFields: string;
  /** `export type <Input> = …;` and `export type <Projector> = …;`, printed. */
  readonly inputDeclaration: string;
  readonly projectorDeclaration: string;
}

export interface SourceView {
  readonly streamType: string;
  readonly eventType: string;
  readonly eventTypeName: string;
  readonly stateType: string;
  /** The parameters' names: `_event`/`_state` when the body does not read them (generated code compiles with noUnusedParameters). */
  readonly eventParam: string;
  readonly stateParam: string;
  /** Whether the body reads the source's state (an asynchronous view's projector loads it only then). */
  readonly usesState: boolean;
  /** Whether it reads the state before the event too (a hand-written projector's `before`). */
  readonly usesBefore: boolean;
  /** The statements of `change(event, state)`. */
  readonly body: readonly Doc[];
}

/** One entry of a view's `sources`. */
function sourceDoc(source: SourceView): Doc {
  const parameters = [
    `${source.eventParam}: EventRecord<${source.eventTypeName}>`,
    `${source.stateParam}: ${source.stateType}`,
    ...(source.usesBefore ? [`before?: ${source.stateType}`] : []),
  ];
  const block: Doc = ["{", indent([hardline, join(hardline, source.body)]), hardline, "}"];
  return objectDoc([
    `streamType: ${JSON.stringify(source.streamType)}`,
    `eventType: ${JSON.stringify(source.eventType)}`,
    ...(source.usesState ? [] : ["usesState: false"]),
    ...(source.usesBefore ? ["usesBefore: true"] : []),
    ["change: ", parametersDoc(parameters), " => ", block],
  ]);
}

/** `if (test) return undefined;`, the return on the next line when it does not fit. */
function returnUndefinedIf(test: Doc): Doc {
  return group(["if (", group([indent([softline, test]), softline]), ")", indent([line, "return undefined;"])]);
}

export function viewsView(model: Model, domain: DomainModel, header: string, projectorsImport?: string): ViewsView {
  const keys = new Set(domain.views.flatMap((v) => v.sources.map((s) => `${s.on.domain}/${s.on.aggregate}`)));
  const aliases = moduleAliases(domain, keys);
  const modulePath = layout.viewsModule(domain.name);
  const modules = [...aliases.entries()].map(([key, alias]) => {
    const [d = "", a = ""] = key.split("/");
    return { alias, from: importSpecifier(modulePath, layout.aggregateModule(d, a)) };
  });
  const views = domain.views.map((view) => {
    const table = viewTable(domain, view);
    const column = (c: (typeof table.columns)[number]) => ({
      field: c.field,
      column: c.column,
      kind: c.kind,
      ...(c.check === undefined ? {} : { values: c.check.values }),
      sqlType: c.sqlType,
      ...(c.default === undefined ? {} : { default: c.default }),
      ...(c.nullable ? {} : { notNull: true as const }),
    });
    const keyColumns = table.systemColumns.filter((c) => view.key.some((k) => k.name === c.field)).map(column);
    const definition = { schema: table.schema, table: table.table, key: keyColumns, columns: table.columns.map(column) };
    const sources = view.sources.map((source) => {
      const alias = aliases.get(`${source.on.domain}/${source.on.aggregate}`) ?? "";
      return view.handler ? handwrittenSource(domain, view, source, alias) : sourceView(model, view, source, alias);
    });
    const entries: Doc[] = [
      `domain: ${JSON.stringify(domain.name)}`,
      `name: ${JSON.stringify(view.name)}`,
      ["table: ", valueDoc(definition as unknown as JsValue)],
      ...(view.async ? ["async: true"] : []),
      ["sources: ", arrayDoc(sources.map(sourceDoc))],
    ];
    return {
      doc: viewDoc(view),
      name: view.name,
      ...(view.handler ? { handwritten: handwrittenTypes(domain, view, aliases) } : {}),
      definition: print([huggedCallDoc("defineView", entries), ","], { base: 2 }),
    };
  });
  const handwritten = domain.views.filter((v) => v.handler);
  const namedTypes = [
    ...namedTypesIn(
      handwritten.flatMap((v) => [...v.fields, ...v.key.map((k) => ({ name: k.name, type: k.type, optional: false, hasDefault: false, pii: false }))]),
    ),
  ].sort();
  const usesProjectors = handwritten.length > 0 && projectorsImport !== undefined;
  const usesBucket = domain.views.some((v) => v.key.some((k) => k.bucket !== undefined));
  const runtime = [
    "defineView",
    ...(usesProjectors ? ["projectedChanges"] : []),
    ...(usesBucket ? ["timeBucket"] : []),
    "type EventRecord",
    "type ViewDefinition",
  ];
  return {
    header,
    runtimeImport: importDoc(runtime, "@fluvius/runtime"),
    ...(usesProjectors ? { projectorsImport } : {}),
    ...(namedTypes.length === 0 ? {} : { namedTypesImport: importDoc(namedTypes, "./_types.js", true) }),
    modules,
    usesIsOneOf: domain.views.some((v) => v.sources.some((s) => s.where.length > 0)),
    views,
  };
}

function viewDoc(view: ViewModel): string {
  const description = view.description?.trim().replace(/\.$/, "");
  return `\`${view.name}\`${description === undefined || description === "" ? "" : `: ${description}`}.`.replace(/\*\//g, "*\\/");
}

function sourceView(model: Model, view: ViewModel, source: ViewSourceModel, alias: string): SourceView {
  const aggregate = model.domains.find((d) => d.name === source.on.domain)?.aggregates.find((a) => a.name === source.on.aggregate);
  const data = aggregate?.events.find((e) => e.name === source.on.event)?.payload ?? [];
  const state = aggregate?.state ?? [];
  const scope: Scope = { data, state };
  const lines: Doc[] = [];
  if (source.where.length > 0) {
    const conditions = source.where.map((c) => {
      const field = data.find((f) => f.name === c.field);
      const values = c.values.map((v) => (v === null || field === undefined ? v : canonicalValue(schemaOf(field.type), v)));
      const elements = values.map((v) => valueDoc(v as JsValue));
      return callDoc("isOneOf", [access("event.event.data", [c.field], data), arrayDoc(elements)], arrayDoc(elements, true));
    });
    lines.push(returnUndefinedIf(["!(", conditions.length === 1 ? conditions[0]! : group(join([" &&", line], conditions)), ")"]));
  }
  const key = view.key.map((part): Doc => {
    const value = part.value === undefined ? "undefined" : expression(part.value, scope, part.type);
    return part.bucket === undefined ? value : callDoc("timeBucket", [JSON.stringify(part.bucket), value]);
  });
  lines.push(["const key = ", arrayDoc(key), ";"]);
  // An event without a value for a key part has no row.
  lines.push(returnUndefinedIf("key.some((part) => part === undefined || part === null)"));
  const operations = source.operations.map((op): JsValue => {
    const head = { kind: op.kind, field: op.field };
    if (!("value" in op)) return head;
    const type: ValueType = view.fields.find((f) => f.name === op.field)?.type ?? { kind: "unknown" };
    // push and pull take an element of the array.
    const slot = (op.kind === "push" || op.kind === "pull") && type.kind === "array" ? type.element : type;
    return { ...head, value: code(expression(op.value, scope, slot)) };
  });
  lines.push(["return ", objectDoc(["key", ["operations: ", valueDoc(operations)]]), ";"]);
  const body = lines.map((l) => print(l, { at: -10_000 })).join("\n");
  const usesState = /\bstate\b/.test(body);
  return {
    eventParam: /\bevent\./.test(body) ? "event" : "_event",
    stateParam: usesState ? "state" : "_state",
    usesState,
    usesBefore: false,
    streamType: `${source.on.domain}.${source.on.aggregate}`,
    eventType: source.on.event,
    eventTypeName: `${alias}.${identifiers.event(source.on.event)}`,
    stateType: `${alias}.${identifiers.state(source.on.aggregate)}`,
    body: lines,
  };
}

interface Scope {
  readonly data: readonly FieldModel[];
  readonly state: readonly FieldModel[];
}

/** The TypeScript expression of a view's value (a literal in its canonical spelling for the slot). */
function expression(value: ViewValue, scope: Scope, slot: ValueType): string {
  switch (value.kind) {
    case "literal":
      return print(valueDoc(literalValue(value.value, slot) as JsValue), { at: -10_000 });
    case "state":
      return access("state", value.path, scope.state);
    case "event-data":
      return access("event.event.data", value.path, scope.data);
    case "item":
      return "undefined";
    case "event-meta":
      switch (value.name) {
        case "id":
          return "event.eventId";
        case "streamId":
          return "event.streamId";
        case "recordedAt":
          return "event.recordedAt";
        case "actorId":
          return "event.actorId";
        case "correlationId":
          return "(event.correlationId ?? event.eventId)";
      }
  }
}

/** How a source event is written `source` in a projector's input: as the spec lists it. */
function sourceLabel(domain: DomainModel, source: ViewSourceModel): string {
  const { on } = source;
  return on.domain === domain.name ? `${on.aggregate}.${on.event}` : `${on.domain}.${on.aggregate}.${on.event}`;
}

const union = (names: readonly string[]) => (names.length === 0 ? "never" : names.map((n) => JSON.stringify(n)).join(" | "));

function handwrittenTypes(domain: DomainModel, view: ViewModel, aliases: ReadonlyMap<string, string>): HandwrittenTypesView {
  const keyNames = view.key.map((k) => k.name);
  const row = [
    ...view.key.map((k) => print([`${propertyName(k.name)}: `, typeDoc(k.type), ";"], { base: 2 })),
    ...view.fields.map((f) => print([`${propertyName(f.name)}${f.optional ? "?" : ""}: `, typeDoc(f.type), ";"], { base: 2 })),
  ];
  const numeric = view.fields.filter((f) => f.type.kind === "primitive" && ["integer", "number", "decimal"].includes(f.type.primitive)).map((f) => f.name);
  const integers = view.fields.filter((f) => f.type.kind === "primitive" && f.type.primitive === "integer").map((f) => f.name);
  const input = identifiers.viewInput(view.name);
  const change = identifiers.viewChange(view.name);
  const inputs = view.sources.map((source) => {
    const alias = aliases.get(`${source.on.domain}/${source.on.aggregate}`) ?? "";
    const stateType = `${alias}.${identifiers.state(source.on.aggregate)}`;
    return typeLiteralDoc([
      `readonly source: ${JSON.stringify(sourceLabel(domain, source))}`,
      `readonly event: EventRecord<${alias}.${identifiers.event(source.on.event)}>`,
      `readonly before: ${stateType}`,
      `readonly after: ${stateType}`,
    ]);
  });
  return {
    row: identifiers.viewRow(view.name),
    rowFields: row,
    key: identifiers.viewKey(view.name),
    keyFields: union(keyNames),
    change,
    setFields: union(view.fields.map((f) => f.name)),
    numericFields: union(numeric),
    countFields: elementsOf(integers),
    unsetFields: elementsOf(view.fields.filter((f) => f.optional).map((f) => f.name)),
    inputDeclaration: statement(typeAliasDoc(`export type ${input}`, inputs.length === 0 ? ["never"] : inputs)),
    projectorDeclaration: statement([
      `export type ${identifiers.projectorType(view.name)} =`,
      fluid([parametersDoc([`input: ${input}`]), ` => ${change} | readonly ${change}[] | undefined`]),
      ";",
    ]),
  };
}

/** The element type of a `readonly X[]` of these names: parenthesised when it is a union. */
function elementsOf(names: readonly string[]): string {
  return names.length > 1 ? `(${union(names)})` : union(names);
}

/** A hand-written view's source: the projector's changes, their keys spelled in the key's order. */
function handwrittenSource(domain: DomainModel, view: ViewModel, source: ViewSourceModel, alias: string): SourceView {
  const keyFields = valueDoc(view.key.map((k) => k.name));
  const input = [`source: ${JSON.stringify(sourceLabel(domain, source))}`, "event", "before: before!", "after: state"];
  return {
    eventParam: "event",
    stateParam: "state",
    usesState: true,
    usesBefore: true,
    streamType: `${source.on.domain}.${source.on.aggregate}`,
    eventType: source.on.event,
    eventTypeName: `${alias}.${identifiers.event(source.on.event)}`,
    stateType: `${alias}.${identifiers.state(source.on.aggregate)}`,
    // `before` is given: the source reads it (usesBefore).
    body: [
      [
        "return ",
        callDoc("projectedChanges", [keyFields, callDoc(`projectors.${identifiers.projector(view.name)}`, [objectDoc(input)], objectDoc(input, true))]),
        ";",
      ],
    ],
  };
}
