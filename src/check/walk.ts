import type { DataPath } from "../parse/source-file.js";
import type { FieldSpec, FieldsSpec } from "../validate/spec.js";
import type { BoundDomain } from "./bind.js";
import type { Site } from "./context.js";

export type FieldScope = "state" | "action payload" | "event payload" | "type" | "object field";

/** A field (or a named type's definition) somewhere in a domain. `path` leads to its key. */
export interface FieldSite extends Site {
  readonly name: string;
  readonly spec: FieldSpec;
  readonly scope: FieldScope;
  readonly aggregate?: string;
}

const cache = new WeakMap<BoundDomain, readonly FieldSite[]>();

/** Every field spec of a domain: state, payloads (also of external events), named types and nested object fields (computed once). */
export function fieldSites(domain: BoundDomain): readonly FieldSite[] {
  let sites = cache.get(domain);
  if (!sites) {
    sites = collectFieldSites(domain);
    cache.set(domain, sites);
  }
  return sites;
}

function collectFieldSites(domain: BoundDomain): FieldSite[] {
  const sites: FieldSite[] = [];
  for (const t of domain.types.values()) addWithNested(sites, { name: t.name, spec: t.spec, file: t.file, path: t.path, scope: "type" });
  for (const a of domain.aggregates.values()) {
    const base = { file: a.file, aggregate: a.name };
    addFields(sites, a.spec.state, [...a.path, "state"], "state", base);
    for (const [name, action] of Object.entries(a.spec.actions ?? {}))
      addFields(sites, action.payload, [...a.path, "actions", name, "payload"], "action payload", base);
    for (const [name, event] of Object.entries(a.spec.events ?? {}))
      addFields(sites, event?.payload, [...a.path, "events", name, "payload"], "event payload", base);
  }
  for (const e of domain.externals.values()) addFields(sites, e.spec.payload, [...e.path, "payload"], "event payload", { file: e.file });
  // A view's fields are like state: they have defaults and are columns.
  for (const v of domain.views.values()) addFields(sites, v.spec.fields, [...v.path, "fields"], "state", { file: v.file });
  return sites;
}

function addFields(sites: FieldSite[], fields: FieldsSpec | undefined, path: DataPath, scope: FieldScope, base: Pick<FieldSite, "file" | "aggregate">): void {
  if (fields === undefined) return;
  for (const name in fields) {
    const spec = fields[name];
    if (spec !== undefined) addWithNested(sites, { ...base, name, spec, path: [...path, name], scope });
  }
}

function addWithNested(sites: FieldSite[], site: FieldSite): void {
  sites.push(site);
  if (typeof site.spec !== "string" && site.spec.fields !== undefined) {
    addFields(sites, site.spec.fields, [...site.path, "fields"], "object field", site);
  }
}

/** "emits: x" and "emits: [x, y]" alike, with the path of each entry. */
export function emitted(emits: string | readonly string[], actionPath: DataPath): { event: string; path: DataPath }[] {
  if (typeof emits === "string") return [{ event: emits, path: [...actionPath, "emits"] }];
  return emits.map((event, i) => ({ event, path: [...actionPath, "emits", i] }));
}
