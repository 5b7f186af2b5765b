import type { DomainModel, FieldModel, Model, ViewModel, ViewSourceModel, ViewValue } from "../../model/model.js";
import { identifiers } from "../../model/naming.js";
import type { ValueType } from "../../model/types.js";
import { canonicalValue } from "../../runtime/canonical.js";
import { viewTable } from "../sql/view-table.js";
import { importSpecifier, layout } from "../paths.js";
import { schemaOf } from "./json-schema.js";
import { access, literalValue, moduleAliases, type ModuleImport } from "./reactions-view.js";

/** What views.ts.hbs prints: one `defineView(…)` per view, every expression built here. */
export interface ViewsView {
  readonly header: string;
  readonly modules: readonly ModuleImport[];
  readonly usesBucket: boolean;
  readonly usesIsOneOf: boolean;
  readonly views: readonly ViewView[];
}

export interface ViewView {
  readonly doc: string;
  readonly domain: string;
  readonly name: string;
  readonly table: string;
  readonly async: boolean;
  readonly sources: readonly SourceView[];
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
  /** The body of `change(event, state)`. */
  readonly body: string;
}

export function viewsView(model: Model, domain: DomainModel, header: string): ViewsView {
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
    });
    const keyColumns = table.systemColumns.filter((c) => view.key.some((k) => k.name === c.field)).map(column);
    const definition = { schema: table.schema, table: table.table, key: keyColumns, columns: table.columns.map(column) };
    return {
      doc: viewDoc(view),
      domain: domain.name,
      name: view.name,
      table: JSON.stringify(definition),
      async: view.async,
      sources: view.sources.map((source) => sourceView(model, view, source, aliases.get(`${source.on.domain}/${source.on.aggregate}`) ?? "")),
    };
  });
  return {
    header,
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
    const value = expression(part.value, scope, part.type);
    return part.bucket === undefined ? value : `timeBucket(${JSON.stringify(part.bucket)}, ${value})`;
  });
  lines.push(`const key = [${key.join(", ")}];`);
  // An event without a value for a key part has no row.
  lines.push("if (key.some((part) => part === undefined || part === null)) return undefined;");
  const operations = source.operations.map((op) => {
    const head = `kind: ${JSON.stringify(op.kind)}, field: ${JSON.stringify(op.field)}`;
    if (!("value" in op)) return `{ ${head} }`;
    const slot = view.fields.find((f) => f.name === op.field)?.type ?? { kind: "unknown" as const };
    return `{ ${head}, value: ${expression(op.value, scope, slot)} }`;
  });
  lines.push(`return { key, operations: [${operations.join(", ")}] };`);
  const body = lines.join("\n");
  const usesState = /\bstate\b/.test(body);
  return {
    eventParam: /\bevent\./.test(body) ? "event" : "_event",
    stateParam: usesState ? "state" : "_state",
    usesState,
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

