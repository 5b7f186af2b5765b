import type { AggregateModel, DomainModel } from "../../model/model.js";
import { identifiers } from "../../model/naming.js";
import { namedTypesIn } from "./aggregate-view.js";
import { moduleAliases } from "./reactions-view.js";
import { propertyName, typeDoc, typeLiteralDoc } from "./type-expression.js";
import { type Doc, importDoc, printAfter, unionDoc } from "../print.js";

/**
 * Everything lookups.ts.hbs prints: the names and types a domain's handlers may look up with
 * `ctx.get` / `ctx.find` (docs/runtime.md, "Lookups"), so a wrong name or key does not compile.
 */
export interface LookupsView {
  readonly header: string;
  readonly namedTypesImport?: string;
  readonly modules: readonly { readonly alias: string; readonly from: string }[];
  /** `  aggregates: { … };` and `  views: { … };`, printed. */
  readonly aggregates: string;
  readonly views: string;
}

export function lookupsView(domain: DomainModel, header: string): LookupsView {
  const aliases = moduleAliases(domain, new Set(domain.aggregates.map((a) => `${domain.name}/${a.name}`)));
  const aliasOf = (aggregate: string) => aliases.get(`${domain.name}/${aggregate}`) ?? aggregate;
  const views = domain.views.map((view) => {
    const key = view.key.map((part): Doc => [`${propertyName(part.name)}: `, part.bucket === undefined ? typeDoc(part.type, false) : "string"]);
    // A field without a default has no value until an event sets one: the row leaves it out.
    const fields = view.fields.map((f): Doc => [`${propertyName(f.name)}${f.optional || !f.hasDefault ? "?" : ""}: `, typeDoc(f.type)]);
    return [
      `${JSON.stringify(view.name)}: `,
      typeLiteralDoc([
        ["key: ", typeLiteralDoc(key)],
        ["row: ", typeLiteralDoc([...key, ...fields])],
      ]),
    ];
  });
  const aggregates = domain.aggregates.map((a): Doc => [
    `${propertyName(a.name)}: `,
    typeLiteralDoc([`state: ${aliasOf(a.name)}.${identifiers.state(a.name)}`, ["keys: ", keysOf(a)]]),
  ]);
  const namedTypes = [...namedTypesIn(domain.views.flatMap((v) => v.fields))].sort();
  return {
    header,
    ...(namedTypes.length === 0 ? {} : { namedTypesImport: importDoc(namedTypes, "./_types.js", true) }),
    modules: domain.aggregates.map((a) => ({ alias: aliasOf(a.name), from: `./${a.name}.js` })),
    aggregates: printAfter("  aggregates: ", typeLiteralDoc(aggregates), ";", 2),
    views: printAfter("  views: ", typeLiteralDoc(views), ";", 2),
  };
}

/** The natural key and each unique field set as object types, a union; `never` when the aggregate has none. */
function keysOf(aggregate: AggregateModel): Doc {
  const sets: (readonly string[])[] = [];
  if (aggregate.naturalKey !== undefined) sets.push([aggregate.naturalKey.field]);
  for (const unique of aggregate.unique) {
    if (!sets.some((s) => s.length === unique.fields.length && s.every((f) => unique.fields.includes(f)))) sets.push(unique.fields);
  }
  const fieldType = (name: string) => {
    const field =
      aggregate.state.find((f) => f.name === name) ??
      aggregate.actions
        .filter((a) => a.creates)
        .flatMap((a) => a.payload)
        .find((f) => f.name === name);
    return field === undefined ? "unknown" : typeDoc(field.type, false);
  };
  const types = sets.map((fields) => typeLiteralDoc(fields.map((f): Doc => [`${propertyName(f)}: `, fieldType(f)])));
  return types.length === 0 ? "never" : unionDoc(types);
}
