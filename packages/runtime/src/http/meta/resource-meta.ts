import type { FieldMeta } from "../../runtime/domain.js";
import { defaultOperator, filterKindOf, isSortable, OPERATORS, type QueryField } from "../../runtime/read/fields.js";
import type { Resource } from "../resources.js";
import { dtypeOf, filterDtypeOf, filterInputOf, type InputConfig, OPERATOR_LABELS } from "./vocabulary.js";

const SYSTEM_META: readonly FieldMeta[] = [
  { name: "_id", label: "Id", kind: "uuid", optional: false },
  { name: "_version", label: "Version", kind: "integer", optional: false },
  { name: "_created", label: "Created", kind: "datetime", optional: false },
  { name: "_updated", label: "Updated", kind: "datetime", optional: false },
  { name: "_creator", label: "Creator", kind: "string", optional: true, description: "Actor id of the first event (null: none)" },
  { name: "_updater", label: "Updater", kind: "string", optional: true, description: "Actor id of the latest event (null: none)" },
];

/**
 * `/_meta/{domain}.{aggregate}/`: what a generic UI needs to show and filter a resource, in
 * Fluvius's shape. Each field's `noop` is its default operator and `filters["<field>.<noop>"]`
 * exists whenever the field can be filtered at all; `finput` is that filter's input.
 */
export function resourceMeta(resource: Resource) {
  const fields = [...SYSTEM_META, ...resource.meta.fields];
  const queryFields = new Map<string, QueryField>(resource.fields.map((f) => [f.name, f]));
  const filters: Record<string, { field: string; label: string; dtype: string; input: InputConfig }> = {};
  for (const field of fields) {
    const query = queryFields.get(field.name);
    for (const operator of query ? OPERATORS[query.kind] : []) {
      filters[`${field.name}.${operator}`] = {
        field: field.name,
        label: OPERATOR_LABELS[operator] ?? operator,
        dtype: filterDtypeOf(field.kind, operator),
        input: filterInputOf(field, operator),
      };
    }
  }
  return {
    name: `${resource.domain.name}.${resource.name}`,
    title: resource.meta.title,
    desc: resource.meta.description ?? "",
    idfield: "_id",
    fields: fields.map((f) => {
      const query = queryFields.get(f.name);
      const noop = defaultOperator(filterKindOf(f.kind));
      return {
        name: f.name,
        label: f.label,
        desc: f.description ?? "",
        noop,
        sortable: query ? isSortable(query) : false,
        hidden: f.name.startsWith("_") && f.name !== "_id",
        dtype: dtypeOf(f.kind),
        // The spec's kind: `enum` (which the table shows as a badge), `decimal`, `email`, `text`…
        ftype: f.kind,
        finput: filters[`${f.name}.${noop}`]?.input ?? ({ type: "textarea" } satisfies InputConfig),
      };
    }),
    filters,
    composites: { ".and": { label: "All of" }, ".or": { label: "Any of" } },
  };
}
