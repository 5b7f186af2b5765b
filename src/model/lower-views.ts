import type { BoundDomain, Declaration } from "../check/bind.js";
import { fieldAt } from "../check/reaction-values.js";
import type { ViewSpec, ViewUpdateSpec } from "../validate/spec.js";
import type { Site, ViewKeyPart, ViewModel, ViewOperation, ViewSourceModel, ViewValue } from "./model.js";
import { parseReactionValue, splitEventRef } from "./reaction-values.js";
import { siteAt } from "./site.js";
import type { FieldInfo, ValueType } from "./types.js";

const BUCKETS = ["hour", "day", "month"] as const;
const UNKNOWN: ValueType = { kind: "unknown" };
const DATETIME: ValueType = { kind: "primitive", primitive: "datetime", constraints: {} };
const META_TYPES: Readonly<Record<string, ValueType>> = {
  id: { kind: "primitive", primitive: "uuid", constraints: {} },
  streamId: { kind: "primitive", primitive: "uuid", constraints: {} },
  correlationId: { kind: "primitive", primitive: "uuid", constraints: {} },
  recordedAt: DATETIME,
  actorId: { kind: "primitive", primitive: "string", constraints: {} },
};

/** The check stage guarantees view values are well-formed. */
export function viewValue(value: unknown): ViewValue {
  if (typeof value === "string" && value.startsWith("$state.")) return { kind: "state", path: value.slice("$state.".length).split(".") };
  return parseReactionValue(value) ?? { kind: "literal", value };
}

/** Lowers a checked view; `domains` resolves its sources in other domains. */
export function lowerView(home: BoundDomain, declaration: Declaration<ViewSpec>, domains: ReadonlyMap<string, BoundDomain>): ViewModel {
  const { name, spec } = declaration;
  const site = siteAt(declaration.file, declaration.path);
  if (spec.handler === true) return lowerHandwritten(home, name, site, spec);
  const from = Array.isArray(spec.from) ? {} : (spec.from as Readonly<Record<string, ViewUpdateSpec>>);
  const sources: ViewSourceModel[] = Object.entries(from).map(([ref, update]) => {
    const operations: ViewOperation[] = [];
    for (const kind of ["set", "add", "subtract", "push", "pull"] as const) {
      for (const [field, value] of Object.entries(update[kind] ?? {})) operations.push({ kind, field, value: viewValue(value) });
    }
    for (const field of update.count ?? []) operations.push({ kind: "count", field });
    for (const field of update.unset ?? []) operations.push({ kind: "unset", field });
    return {
      on: splitEventRef(ref, home.name),
      where: Object.entries(update.where ?? {}).map(([field, v]) => ({ field, values: Array.isArray(v) ? v : [v as string | number | boolean | null] })),
      operations,
    };
  });
  // A key part's type is what the first source gives it (the check stage made every source agree on a plain value).
  const typeOf = (value: ViewValue): ValueType => {
    const first = sources[0];
    if (!first) return UNKNOWN;
    const domain = domains.get(first.on.domain);
    const aggregate = domain?.aggregates.get(first.on.aggregate);
    if (!domain || !aggregate) return UNKNOWN;
    const fieldsOf = (fields: readonly FieldInfo[], path: readonly string[]) => fieldAt(fields, path)?.type ?? UNKNOWN;
    switch (value.kind) {
      case "state":
        return fieldsOf(domain.resolver.fields(aggregate.spec.state), value.path);
      case "event-data":
        return fieldsOf(domain.resolver.fields(aggregate.spec.events?.[first.on.event]?.payload), value.path);
      case "event-meta":
        return META_TYPES[value.name] ?? UNKNOWN;
      default:
        return UNKNOWN;
    }
  };
  let key: ViewKeyPart[];
  const written = spec.key;
  if (typeof written === "object" && !Array.isArray(written)) {
    const buckets = written as Readonly<Record<string, string>>;
    const bucket = BUCKETS.find((b) => Object.hasOwn(buckets, b)) ?? "day";
    const text = buckets[bucket] ?? "";
    key = [{ name: bucket, value: viewValue(text), type: DATETIME, bucket }];
  } else {
    const parts = typeof written === "string" ? [written] : [...(written as readonly string[])];
    key = parts.map((text) => {
      const value = viewValue(text);
      return { name: text.split(".").at(-1) ?? text, value, type: typeOf(value) };
    });
  }
  return {
    kind: "view",
    name,
    site,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    async: spec.async === true,
    handler: false,
    key,
    fields: home.resolver.fields(spec.fields),
    sources,
  };
}

/** A hand-written view: its key fields become the key's parts (and leave the fields), its sources have no operations. */
function lowerHandwritten(home: BoundDomain, name: string, site: Site, spec: ViewSpec): ViewModel {
  const fields = home.resolver.fields(spec.fields);
  const written = spec.key;
  const keyNames = typeof written === "string" ? [written] : Array.isArray(written) ? [...(written as readonly string[])] : [];
  const key: ViewKeyPart[] = keyNames.map((field) => ({ name: field, type: fields.find((f) => f.name === field)?.type ?? UNKNOWN }));
  const refs = Array.isArray(spec.from) ? (spec.from as readonly string[]) : Object.keys(spec.from);
  return {
    kind: "view",
    name,
    site,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    async: true,
    handler: true,
    key,
    fields: fields.filter((f) => !keyNames.includes(f.name)),
    sources: refs.map((ref) => ({ on: splitEventRef(ref, home.name), where: [], operations: [] })),
  };
}
