import type { AggregateModel, DomainModel } from "../../model/model.js";
import { identifiers } from "../../model/naming.js";
import { namedTypesIn } from "./aggregate-view.js";
import { moduleAliases } from "./reactions-view.js";
import { propertyName, typeExpression } from "./type-expression.js";

/**
 * Everything lookups.ts.hbs prints: the names and types a domain's handlers may look up with
 * `ctx.get` / `ctx.find` (docs/runtime.md, "Lookups"), so a wrong name or key does not compile.
 */
export interface LookupsView {
  readonly header: string;
  readonly namedTypes: string;
  readonly modules: readonly { readonly alias: string; readonly from: string }[];
  readonly aggregates: readonly { readonly key: string; readonly state: string; readonly keys: string }[];
  readonly views: readonly { readonly key: string; readonly viewKey: string; readonly row: string }[];
}

export function lookupsView(domain: DomainModel, header: string): LookupsView {
  const aliases = moduleAliases(domain, new Set(domain.aggregates.map((a) => `${domain.name}/${a.name}`)));
  const aliasOf = (aggregate: string) => aliases.get(`${domain.name}/${aggregate}`) ?? aggregate;
  const views = domain.views.map((view) => {
    const key = view.key.map((part) => `${propertyName(part.name)}: ${part.bucket === undefined ? typeExpression(part.type, false) : "string"};`);
    // A field without a default has no value until an event sets one: the row leaves it out.
    const fields = view.fields.map((f) => `${propertyName(f.name)}${f.optional || !f.hasDefault ? "?" : ""}: ${typeExpression(f.type)};`);
    return { key: JSON.stringify(view.name), viewKey: `{ ${key.join(" ")} }`, row: `{ ${[...key, ...fields].join(" ")} }` };
  });
  return {
    header,
    namedTypes: [...namedTypesIn(domain.views.flatMap((v) => v.fields))].sort().join(", "),
    modules: domain.aggregates.map((a) => ({ alias: aliasOf(a.name), from: `./${a.name}.js` })),
    aggregates: domain.aggregates.map((a) => ({
      key: propertyName(a.name),
      state: `${aliasOf(a.name)}.${identifiers.state(a.name)}`,
      keys: keysOf(a),
    })),
    views,
  };
}

/** The natural key and each unique field set as object types, a union; `never` when the aggregate has none. */
function keysOf(aggregate: AggregateModel): string {
  const sets: (readonly string[])[] = [];
  if (aggregate.naturalKey !== undefined) sets.push([aggregate.naturalKey.field]);
  for (const unique of aggregate.unique) {
    if (!sets.some((s) => s.length === unique.fields.length && s.every((f) => unique.fields.includes(f)))) sets.push(unique.fields);
  }
  const fieldType = (name: string) => {
    const field =
      aggregate.state.find((f) => f.name === name) ??
      aggregate.actions.filter((a) => a.creates).flatMap((a) => a.payload).find((f) => f.name === name);
    return field === undefined ? "unknown" : typeExpression(field.type, false);
  };
  const types = sets.map((fields) => `{ ${fields.map((f) => `${propertyName(f)}: ${fieldType(f)};`).join(" ")} }`);
  return types.length === 0 ? "never" : types.join(" | ");
}
