import { closest, didYouMean } from "../../diagnostics/suggest.js";
import { EXTERNAL_STREAM, identifiers } from "../../model/naming.js";
import { EVENT_META_NAMES, splitEventRef } from "../../model/reaction-values.js";
import { describeType, type FieldInfo, NUMERIC_PRIMITIVES, type ValueType } from "../../model/types.js";
import type { DataPath } from "../../parse/source-file.js";
import type { ViewSpec, ViewUpdateSpec } from "../../validate/spec.js";
import type { BoundDomain, Declaration } from "../bind.js";
import type { CheckContext, Rule, Site } from "../context.js";
import { fieldAt, typeReactionValue, type TypedValue } from "../reaction-values.js";
import { describeSlotValue, fitsSlot, type SlotValue } from "../slot.js";
import { valueProblem } from "../values.js";

const DATETIME: ValueType = { kind: "primitive", primitive: "datetime", constraints: {} };
const BUCKETS = ["hour", "day", "month"] as const;
const VALUE_OPERATIONS = ["set", "add", "subtract", "push", "pull"] as const;

/**
 * Views are fed by events of the project's aggregates; their key reads one plain value of every
 * source event; their operations change their own fields with values of the right type.
 */
export const viewsRule: Rule = {
  name: "views",
  reads: "project",
  codes: [
    "invalid-view",
    "invalid-view-key",
    "unknown-view-field",
    "unknown-domain",
    "unknown-aggregate",
    "unknown-event-field",
    "unknown-variable",
    "apply-type-mismatch",
    "non-numeric-operation",
    "non-array-operation",
    "unset-required-field",
    "conflicting-apply",
    "invalid-condition-value",
  ],
  check(domain, context) {
    for (const view of domain.views.values()) checkView(domain, view, context);
  },
};

/** An event a view is fed by, with what its values can read. */
interface Source {
  readonly ref: string;
  /** `<domain>.<aggregate>` */
  readonly streamType: string;
  readonly file: Site["file"];
  readonly event: string;
  readonly data: readonly FieldInfo[];
  readonly state: readonly FieldInfo[];
  readonly path: DataPath;
}

function checkView(home: BoundDomain, view: Declaration<ViewSpec>, context: CheckContext): void {
  const { spec, file, path } = view;
  const site = (...keys: DataPath): Site => ({ file, path: [...path, ...keys] });
  const invalid = (detail: string, at: Site) => context.report("invalid-view", { view: view.name, detail }, at);
  if (home.aggregates.has(view.name))
    invalid(`aggregate '${view.name}' of the domain has that name, and both would be served at ${home.name}.${view.name}`, { ...site(), part: "key" });

  const fields = home.resolver.fields(spec.fields);
  if (spec.handler === true) {
    checkHandwritten(home, view, fields, context, site, invalid);
    return;
  }
  if (isEventList(spec.from)) {
    invalid(
      "a list of events is for a hand-written view (`handler: true`); say per event how its row changes, e.g. `order.order-placed: { count: [orders] }`",
      { ...site("from"), part: "key" },
    );
    return;
  }
  const updates = spec.from;
  const sources: Source[] = [];
  for (const ref of Object.keys(updates)) {
    const source = resolveSource(home, view, ref, context, site("from", ref));
    if (source) sources.push(source);
  }
  const keyNames = checkKey(view, spec.key, sources, context, site);
  for (const name of keyNames) {
    if (fields.some((f) => f.name === name))
      invalid(`its key part '${name}' is also one of its fields; rename the field`, { ...site("fields", name), part: "key" });
  }
  for (const source of sources) {
    const update = updates[source.ref] ?? {};
    checkWhere(update, source, context);
    checkOperations(view, update, source, fields, context);
  }
  checkOrderIndependent(view, updates, sources, invalid, site);
}

function isEventList(from: ViewSpec["from"]): from is readonly string[] {
  return Array.isArray(from);
}

/**
 * A hand-written view: its projector (typed by the generated code) decides every change, so
 * the spec only lists the source events and names the fields that make the key. It is kept
 * asynchronously, in the log's order.
 */
function checkHandwritten(
  home: BoundDomain,
  view: Declaration<ViewSpec>,
  fields: readonly FieldInfo[],
  context: CheckContext,
  site: (...keys: DataPath) => Site,
  invalid: (detail: string, at: Site) => void,
): void {
  const { spec } = view;
  if (spec.async === false)
    invalid("a hand-written view is always kept asynchronously, by its projector in the log's order; remove `async: false`", { ...site("async"), part: "key" });
  if (!isEventList(spec.from)) {
    invalid("a hand-written view lists its source events, e.g. `from: [deal.deal-opened, deal.deal-won]`; its projector decides how each changes the rows", {
      ...site("from"),
      part: "key",
    });
  } else {
    for (const [i, ref] of spec.from.entries()) resolveSource(home, view, ref, context, site("from", i));
  }
  const bad = (detail: string, at: Site) => context.report("invalid-view-key", { view: view.name, detail }, at);
  const key = spec.key;
  if (typeof key === "object" && !Array.isArray(key)) {
    bad("a hand-written view names the fields that make its key, e.g. `key: [stage, owner]`; its projector computes them (a time bucket too)", site("key"));
    return;
  }
  const parts = typeof key === "string" ? [key] : [...(key as readonly string[])];
  for (const [i, name] of parts.entries()) {
    const at = typeof key === "string" ? site("key") : site("key", i);
    const field = fields.find((f) => f.name === name);
    if (!field) {
      const match = closest(
        name,
        fields.map((f) => f.name),
      );
      const hint = name.startsWith("$")
        ? "; a hand-written view names its key fields, and its projector computes their values"
        : match === undefined
          ? ""
          : ` (did you mean '${match}'?)`;
      bad(`'${name}' is not one of its fields${hint}`, at);
    } else if (field.optional || !isPlain(field.type)) {
      bad(
        `its key field '${name}' is ${field.optional ? "optional" : describeType(field.type)}; a key field is a required single value (text, a number, an id, a date, an enum)`,
        at,
      );
    }
  }
}

/**
 * A row is changed in each command's write, and commands on different streams commit in no
 * fixed order: `add`, `subtract` and `count` give the same row whatever the order, `set`,
 * `unset`, `push` and `pull` do not, unless one stream alone writes the row (a key of `$event.streamId` over
 * one aggregate, or `$event.id`), whose commands are ordered by its versions. Anything else
 * would make a row depend on timing, and a replay differ from what the commands wrote.
 * An asynchronous view is kept in the log's order, so there any operation is fine.
 */
function checkOrderIndependent(
  view: Declaration<ViewSpec>,
  updates: Readonly<Record<string, ViewUpdateSpec>>,
  sources: readonly Source[],
  invalid: (detail: string, at: Site) => void,
  site: (...keys: DataPath) => Site,
): void {
  const key = view.spec.key;
  const streamTypes = new Set(sources.map((s) => s.streamType));
  const oneWriter = key === "$event.id" || (key === "$event.streamId" && streamTypes.size <= 1);
  // A projector applies events in the log's order: there, a `set` is what the latest event says.
  if (oneWriter || view.spec.async === true) return;
  for (const source of sources) {
    const update = updates[source.ref] ?? {};
    const ordered = [
      ...(["set", "push", "pull"] as const).flatMap((op) => Object.keys(update[op] ?? {}).map((f) => `${op} ${f}`)),
      ...(update.unset ?? []).map((f) => `unset ${f}`),
    ];
    if (ordered.length === 0) continue;
    invalid(
      `'${source.ref}' would ${ordered.join(", ")} on rows that events of several streams change, whose commands commit in no fixed order; ` +
        "make the view `async: true` (kept in the log's order after the commit), use `add`, `subtract` or `count` there, or key the view by `$event.streamId` (of one aggregate) or `$event.id`",
      site("from", source.ref, update.set !== undefined ? "set" : update.push !== undefined ? "push" : update.pull !== undefined ? "pull" : "unset"),
    );
  }
}

function resolveSource(home: BoundDomain, view: Declaration<ViewSpec>, ref: string, context: CheckContext, at: Site): Source | undefined {
  const { domain: domainName, aggregate: aggregateName, event } = splitEventRef(ref, home.name);
  const keyAt = { ...at, part: "key" as const };
  if (aggregateName === EXTERNAL_STREAM) {
    context.report(
      "invalid-view",
      {
        view: view.name,
        detail: `'${ref}' is an external event; views are fed by events of the project's aggregates (a reaction can turn an external event into a command)`,
      },
      keyAt,
    );
    return undefined;
  }
  const domain = context.project.domains.get(domainName);
  if (!domain) {
    context.report("unknown-domain", { name: domainName, suggestion: didYouMean(domainName, context.project.domains.keys()) }, keyAt);
    return undefined;
  }
  const aggregate = domain.aggregates.get(aggregateName);
  if (!aggregate) {
    context.report("unknown-aggregate", { name: aggregateName, suggestion: didYouMean(aggregateName, domain.aggregates.keys()) }, keyAt);
    return undefined;
  }
  const events = aggregate.spec.events ?? {};
  if (!Object.hasOwn(events, event)) {
    const match = closest(event, Object.keys(events));
    const suggestion = match === undefined ? "" : ` (did you mean '${match}'?)`;
    context.report(
      "invalid-view",
      { view: view.name, detail: `it is fed by '${event}', which is not an event of aggregate '${aggregate.name}'${suggestion}` },
      keyAt,
    );
    return undefined;
  }
  return {
    ref,
    streamType: `${domain.name}.${aggregate.name}`,
    event,
    file: view.file,
    data: domain.resolver.fields(events[event]?.payload),
    state: domain.resolver.fields(aggregate.spec.state),
    path: at.path,
  };
}

/** Types a value of a view: `$state.<path>`, or what a reaction may read of the event. */
export function typeViewValue(value: unknown, source: Pick<Source, "event" | "data" | "state">, context: CheckContext, at: Site): TypedValue | undefined {
  if (typeof value === "string" && value.startsWith("$state.")) {
    const fieldPath = value.slice("$state.".length).split(".");
    const found = fieldPath.every((s) => s !== "") ? fieldAt(source.state, fieldPath) : undefined;
    if (found) return { kind: "reference", text: value, value: { kind: "event-data", path: fieldPath }, ...found };
    context.report(
      "unknown-event-field",
      {
        field: value,
        event: source.event,
        suggestion: didYouMean(
          fieldPath[0] ?? "",
          source.state.map((f) => f.name),
        ).replace(/'([^']+)'/, "'$state.$1'"),
      },
      at,
    );
    return undefined;
  }
  // DESIGN §7 wrote `$meta.recordedAt`; views read the envelope as reactions do, `$event.<meta>`.
  const meta = typeof value === "string" ? /^\$meta\.([A-Za-z]+)$/.exec(value)?.[1] : undefined;
  if (meta !== undefined) {
    const allowed = ["$state.<field>", "$event.data.<field>", ...EVENT_META_NAMES.map((m) => `$event.${m}`)].join(", ");
    const suggestion = (EVENT_META_NAMES as readonly string[]).includes(meta) ? ` Did you mean '$event.${meta}'?` : "";
    context.report("unknown-variable", { text: String(value), allowed, suggestion }, at);
    return undefined;
  }
  return typeReactionValue(value, { context, event: source.event, data: source.data }, at);
}

/** Checks the key against every source; returns the names of its parts (its columns). */
function checkKey(
  view: Declaration<ViewSpec>,
  key: ViewSpec["key"],
  sources: readonly Source[],
  context: CheckContext,
  site: (...keys: DataPath) => Site,
): string[] {
  const bad = (detail: string, at: Site) => context.report("invalid-view-key", { view: view.name, detail }, at);
  if (typeof key === "object" && !Array.isArray(key)) {
    const unit = BUCKETS.find((b) => Object.hasOwn(key, b));
    const text = unit === undefined ? undefined : (key as Readonly<Record<string, string>>)[unit];
    if (unit === undefined || text === undefined) return [];
    for (const source of sources) {
      const typed = typeViewValue(text, source, context, site("key", unit));
      if (typed && (typed.kind === "literal" || !fitsSlot(asSlot(typed), DATETIME, false))) {
        bad(
          `a ${unit} bucket reads a date-time, such as $event.recordedAt; '${text}' is ${describeSlotValue(asSlot(typed))} for '${source.ref}'`,
          site("key", unit),
        );
      }
    }
    return [unit];
  }
  const parts = typeof key === "string" ? [key] : [...(key as readonly string[])];
  const names: string[] = [];
  for (const [i, text] of parts.entries()) {
    const at = typeof key === "string" ? site("key") : site("key", i);
    const name = text.split(".").at(-1) ?? text;
    if (names.includes(name)) bad(`two parts are named '${name}' (each part is a column named after its last segment)`, at);
    names.push(name);
    for (const source of sources) {
      const typed = typeViewValue(text, source, context, at);
      if (!typed) continue;
      if (typed.kind === "literal") {
        bad(`'${text}' is a constant; a key part reads a value of the event or the state`, at);
        break;
      }
      if (!isPlain(typed.type))
        bad(`'${text}' is ${describeType(typed.type)} for '${source.ref}'; a key part is a single value (text, a number, an id, a date, an enum)`, at);
    }
  }
  if (names.some((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) || identifiers.column(n) === "")) bad("a key part must end in a field name", site("key"));
  return names;
}

function isPlain(type: ValueType): boolean {
  return type.kind === "enum" || type.kind === "ref" || (type.kind === "primitive" && type.primitive !== "json") || type.kind === "unknown";
}

function checkWhere(update: ViewUpdateSpec, source: Source, context: CheckContext): void {
  for (const [name, value] of Object.entries(update.where ?? {})) {
    const at = { file: source.file, path: [...source.path, "where", name] };
    const field = source.data.find((f) => f.name === name);
    if (!field) {
      context.report(
        "unknown-event-field",
        {
          field: name,
          event: source.event,
          suggestion: didYouMean(
            name,
            source.data.map((f) => f.name),
          ),
        },
        { ...at, part: "key" },
      );
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      const problem = valueProblem(v, field.type, field.optional);
      if (problem) {
        context.report("invalid-condition-value", { field: name, detail: problem }, at);
        break;
      }
    }
  }
}

function checkOperations(view: Declaration<ViewSpec>, update: ViewUpdateSpec, source: Source, fields: readonly FieldInfo[], context: CheckContext): void {
  const file = view.file;
  const touched = new Map<string, string>();
  const target = (operation: string, name: string, path: DataPath): FieldInfo | undefined => {
    const at = { file, path, part: "key" as const };
    const field = fields.find((f) => f.name === name);
    if (!field) {
      context.report(
        "unknown-view-field",
        {
          field: name,
          view: view.name,
          suggestion: didYouMean(
            name,
            fields.map((f) => f.name),
          ),
        },
        at,
      );
      return undefined;
    }
    const earlier = touched.get(name);
    if (earlier !== undefined) {
      context.report("conflicting-apply", { field: name, first: earlier, second: operation }, at);
      return undefined;
    }
    touched.set(name, operation);
    return field;
  };
  const numeric = (operation: string, field: FieldInfo, at: DataPath, integerOnly = false): boolean => {
    const ok = field.type.kind === "primitive" && (integerOnly ? field.type.primitive === "integer" : NUMERIC_PRIMITIVES.has(field.type.primitive));
    if (!ok && field.type.kind !== "unknown")
      context.report("non-numeric-operation", { operation, field: field.name, fieldType: describeType(field.type) }, { file, path: at, part: "key" });
    return ok;
  };
  const operations = VALUE_OPERATIONS.flatMap((op) => Object.keys(update[op] ?? {})).length + (update.count?.length ?? 0) + (update.unset?.length ?? 0);
  if (operations === 0)
    context.report(
      "invalid-view",
      { view: view.name, detail: `'${source.ref}' changes nothing; give it \`set\`, \`add\`, \`subtract\`, \`count\` or \`unset\`` },
      { file, path: source.path, part: "key" },
    );

  for (const operation of VALUE_OPERATIONS) {
    for (const [name, value] of Object.entries(update[operation] ?? {})) {
      const path = [...source.path, operation, name];
      const field = target(operation, name, path);
      if (!field) continue;
      const onArray = operation === "push" || operation === "pull";
      if (onArray && field.type.kind !== "array" && field.type.kind !== "unknown") {
        context.report("non-array-operation", { operation, field: field.name, fieldType: describeType(field.type) }, { file, path, part: "key" });
        continue;
      }
      if ((operation === "add" || operation === "subtract") && !numeric(operation, field, path)) continue;
      const typed = typeViewValue(value, source, context, { file, path });
      if (!typed) continue;
      const slot = asSlot(typed);
      // push and pull take an element of the array.
      const slotType = onArray && field.type.kind === "array" ? field.type.element : field.type;
      if (!fitsSlot(slot, slotType, operation === "set" && field.optional)) {
        context.report("apply-type-mismatch", { operation, field: name, fieldType: describeType(field.type), value: describeSlotValue(slot) }, { file, path });
      }
    }
  }
  for (const [i, name] of (update.count ?? []).entries()) {
    const path = [...source.path, "count", i];
    const field = target("count", name, path);
    if (field) numeric("count", field, path, true);
  }
  for (const [i, name] of (update.unset ?? []).entries()) {
    const path = [...source.path, "unset", i];
    const field = target("unset", name, path);
    if (field && !field.optional) context.report("unset-required-field", { field: name }, { file, path });
  }
}

function asSlot(value: TypedValue): SlotValue {
  if (value.kind === "literal") return value;
  return {
    kind: "reference",
    text: value.text,
    type: value.type,
    optional: value.optional,
    isActorId: value.value.kind === "event-meta" && value.value.name === "actorId",
  };
}
