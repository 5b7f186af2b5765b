import type { DomainModel, FieldModel, Model, ViewModel, ViewSourceModel, ViewValue } from "../../model/model.js";
import { identifiers } from "../../model/naming.js";
import type { ValueType } from "../../model/types.js";
import { canonicalValue } from "../../runtime/canonical.js";
import { viewTable } from "../sql/view-table.js";
import { importSpecifier, layout } from "../paths.js";
import { namedTypesIn } from "./aggregate-view.js";
import { schemaOf } from "./json-schema.js";
import { access, literalValue, moduleAliases, type ModuleImport } from "./reactions-view.js";
import { propertyName, typeExpression } from "./type-expression.js";

/** What views.ts.hbs prints: one `defineView(…)` per view, every expression built here. */
export interface ViewsView {
  readonly header: string;
  readonly modules: readonly ModuleImport[];
  readonly usesBucket: boolean;
  readonly usesIsOneOf: boolean;
  /** The hand-written projectors' module, when a view has `handler: true`. */
  readonly projectorsImport?: string;
  /** The domain's named types the hand-written views' rows use (from `./_types.js`). */
  readonly namedTypes: readonly string[];
  readonly views: readonly ViewView[];
}

export interface ViewView {
  readonly doc: string;
  readonly domain: string;
  readonly name: string;
  readonly table: string;
  readonly async: boolean;
  /** A hand-written view's types: what its projector gets and returns. */
  readonly handwritten?: HandwrittenTypesView;
  readonly sources: readonly SourceView[];
}

export interface HandwrittenTypesView {
  readonly row: string;
  readonly rowFields: string;
  readonly key: string;
  readonly keyFields: string;
  readonly change: string;
  readonly setFields: string;
  readonly numericFields: string;
  readonly countFields: string;
  readonly unsetFields: string;
  readonly input: string;
  /** One member of the input union per source event. */
  readonly inputs: readonly { readonly source: string; readonly eventType: string; readonly stateType: string }[];
  readonly projectorType: string;
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
  /** The body of `change(event, state)`. */
  readonly body: string;
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
    return {
      doc: viewDoc(view),
      domain: domain.name,
      name: view.name,
      table: JSON.stringify(definition),
      async: view.async,
      ...(view.handler ? { handwritten: handwrittenTypes(domain, view, aliases) } : {}),
      sources: view.sources.map((source) => {
        const alias = aliases.get(`${source.on.domain}/${source.on.aggregate}`) ?? "";
        return view.handler ? handwrittenSource(domain, view, source, alias) : sourceView(model, view, source, alias);
      }),
    };
  });
  const handwritten = domain.views.filter((v) => v.handler);
  return {
    header,
    ...(handwritten.length > 0 && projectorsImport !== undefined ? { projectorsImport } : {}),
    namedTypes: [...namedTypesIn(handwritten.flatMap((v) => [...v.fields, ...v.key.map((k) => ({ name: k.name, type: k.type, optional: false, hasDefault: false, pii: false }))]))].sort(),
    modules,
    usesBucket: domain.views.some((v) => v.key.some((k) => k.bucket !== undefined)),
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
  const lines: string[] = [];
  if (source.where.length > 0) {
    const conditions = source.where.map((c) => {
      const field = data.find((f) => f.name === c.field);
      const values = c.values.map((v) => (v === null || field === undefined ? v : canonicalValue(schemaOf(field.type), v)));
      return `isOneOf(${access("event.event.data", [c.field], data)}, ${JSON.stringify(values)})`;
    });
    lines.push(`if (!(${conditions.join(" && ")})) return undefined;`);
  }
  const key = view.key.map((part) => {
    const value = part.value === undefined ? "undefined" : expression(part.value, scope, part.type);
    return part.bucket === undefined ? value : `timeBucket(${JSON.stringify(part.bucket)}, ${value})`;
  });
  lines.push(`const key = [${key.join(", ")}];`);
  // An event without a value for a key part has no row.
  lines.push("if (key.some((part) => part === undefined || part === null)) return undefined;");
  const operations = source.operations.map((op) => {
    const head = `kind: ${JSON.stringify(op.kind)}, field: ${JSON.stringify(op.field)}`;
    if (!("value" in op)) return `{ ${head} }`;
    const type: ValueType = view.fields.find((f) => f.name === op.field)?.type ?? { kind: "unknown" };
    // push and pull take an element of the array.
    const slot = (op.kind === "push" || op.kind === "pull") && type.kind === "array" ? type.element : type;
    return `{ ${head}, value: ${expression(op.value, scope, slot)} }`;
  });
  lines.push(`return { key, operations: [${operations.join(", ")}] };`);
  const body = lines.join("\n");
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
    body,
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
      return JSON.stringify(literalValue(value.value, slot));
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
    ...view.key.map((k) => `${propertyName(k.name)}: ${typeExpression(k.type)};`),
    ...view.fields.map((f) => `${propertyName(f.name)}${f.optional ? "?" : ""}: ${typeExpression(f.type)};`),
  ];
  const numeric = view.fields.filter((f) => f.type.kind === "primitive" && ["integer", "number", "decimal"].includes(f.type.primitive)).map((f) => f.name);
  const integers = view.fields.filter((f) => f.type.kind === "primitive" && f.type.primitive === "integer").map((f) => f.name);
  return {
    row: identifiers.viewRow(view.name),
    rowFields: row.join(" "),
    key: identifiers.viewKey(view.name),
    keyFields: union(keyNames),
    change: identifiers.viewChange(view.name),
    setFields: union(view.fields.map((f) => f.name)),
    numericFields: union(numeric),
    countFields: union(integers),
    unsetFields: union(view.fields.filter((f) => f.optional).map((f) => f.name)),
    input: identifiers.viewInput(view.name),
    inputs: view.sources.map((source) => {
      const alias = aliases.get(`${source.on.domain}/${source.on.aggregate}`) ?? "";
      return { source: JSON.stringify(sourceLabel(domain, source)), eventType: `${alias}.${identifiers.event(source.on.event)}`, stateType: `${alias}.${identifiers.state(source.on.aggregate)}` };
    }),
    projectorType: identifiers.projectorType(view.name),
  };
}

/** A hand-written view's source: the projector's changes, their keys spelled in the key's order. */
function handwrittenSource(domain: DomainModel, view: ViewModel, source: ViewSourceModel, alias: string): SourceView {
  const keyFields = JSON.stringify(view.key.map((k) => k.name));
  const input = `{ source: ${JSON.stringify(sourceLabel(domain, source))}, event, before: before!, after: state }`;
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
    body: `return projectedChanges(${keyFields}, projectors.${identifiers.projector(view.name)}(${input}));`,
  };
}
