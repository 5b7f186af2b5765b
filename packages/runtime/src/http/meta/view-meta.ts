import type { DomainDefinition } from "../../runtime/domain.js";
import type { ViewColumn, ViewDefinition } from "../../runtime/views/definition.js";
import { defaultOperator, filterKindOf, isSortable, OPERATORS } from "../../runtime/read/fields.js";
import { viewQueryFields } from "../../runtime/read/view-reader.js";
import { dtypeOf, filterDtypeOf, filterInputOf, type InputConfig, OPERATOR_LABELS } from "./vocabulary.js";

/** `/_meta/{domain}.{view}/`: a view in the shape of a resource's metadata; its key parts identify a row. */
export function viewMeta(domain: DomainDefinition, view: ViewDefinition) {
  const label = (name: string) =>
    name
      .replace(/^_/, "")
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .replace(/^./, (c) => c.toUpperCase());
  const fieldOf = (c: ViewColumn) => ({ name: c.field, label: label(c.field), kind: c.kind, optional: true, ...(c.values ? { values: c.values } : {}) });
  const fields = [
    ...view.table.key.map((c) => ({ ...fieldOf(c), optional: false })),
    { name: "_version", label: "Version", kind: "integer" as const, optional: false },
    { name: "_updated", label: "Updated", kind: "datetime" as const, optional: false },
    ...view.table.columns.map(fieldOf),
  ];
  const queries = new Map(viewQueryFields(view).map((f) => [f.name, f]));
  const filters: Record<string, { field: string; label: string; dtype: string; input: InputConfig }> = {};
  for (const field of fields) {
    const query = queries.get(field.name);
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
    name: `${domain.name}.${view.name}`,
    title: (view.name.charAt(0).toUpperCase() + view.name.slice(1)).replace(/-/g, " "),
    desc: "",
    // A view's rows are identified by their key parts (a composite key: several).
    idfield: view.table.key.map((k) => k.field).join(","),
    fields: fields.map((f) => {
      const query = queries.get(f.name);
      const noop = defaultOperator(filterKindOf(f.kind));
      return {
        name: f.name,
        label: f.label,
        desc: "",
        noop,
        sortable: query ? isSortable(query) : false,
        hidden: f.name.startsWith("_"),
        dtype: dtypeOf(f.kind),
        ftype: f.kind,
        finput: filters[`${f.name}.${noop}`]?.input ?? ({ type: "textarea" } satisfies InputConfig),
      };
    }),
    filters,
    composites: { ".and": { label: "All of" }, ".or": { label: "Any of" } },
  };
}
