import type { ColumnKind } from "../../runtime/definition.js";
import type { FieldMeta } from "../../runtime/domain.js";
import { filterKindOf, takesList } from "../../runtime/read/fields.js";

/**
 * The words of the resource metadata that generic Fluvius UIs (the rjs-admin data table and
 * query builder) act on: the `dtype`s they format cells by, the filter `input` types they
 * render (text, number, select, date, checkbox, textarea) and the operators' labels.
 */

/** How a UI formats a value: Fluvius's dtypes (decimals are numbers, objects json). */
export type Dtype = "string" | "enum" | "integer" | "number" | "boolean" | "uuid" | "date" | "datetime" | "array" | "json";

export function dtypeOf(kind: ColumnKind): Dtype {
  switch (kind) {
    case "string":
    case "text":
    case "email":
    case "url":
      return "string";
    case "decimal":
      return "number";
    case "ref":
      return "uuid";
    case "object":
      return "json";
    default:
      return kind;
  }
}

/** A filter's `dtype`: the field's, except that `between` takes a range (Fluvius's `daterange` / `timerange`). */
export function filterDtypeOf(kind: ColumnKind, operator: string): string {
  if (operator === "between") return kind === "date" ? "daterange" : "timerange";
  return dtypeOf(kind);
}

/** The input a UI renders for a filter, in the client's vocabulary. */
export interface InputConfig {
  readonly type: "text" | "number" | "select" | "date" | "checkbox" | "textarea";
  readonly placeholder?: string;
  readonly options?: readonly { readonly value: string; readonly label: string }[];
  readonly multiple?: boolean;
  readonly step?: number | "any";
}

const BOOLEAN_OPTIONS = [
  { value: "true", label: "Yes" },
  { value: "false", label: "No" },
] as const;

/**
 * The input of `field.operator`. Lists (`in`, `between`, `ov`, an array's `eq`) are text
 * inputs whose comma-separated string the server splits; an enum's `in` is a select of its
 * options (a UI that cannot pick several sends one value, which is a list of one).
 */
export function filterInputOf(field: FieldMeta, operator: string): InputConfig {
  const kind = filterKindOf(field.kind);
  if (field.kind === "enum") return { type: "select", options: optionsOf(field.values ?? []), ...(operator === "in" ? { multiple: true } : {}) };
  if (field.kind === "boolean") return { type: "select", options: BOOLEAN_OPTIONS };
  if (takesList(kind, operator)) return { type: "text", placeholder: listPlaceholder(field.kind, operator) };
  switch (field.kind) {
    case "integer":
      return { type: "number", step: 1 };
    case "number":
    case "decimal":
      return { type: "number", step: "any" };
    case "date":
      return { type: "date" };
    case "datetime":
      return { type: "text", placeholder: "2024-01-31T12:00:00Z" };
    case "uuid":
    case "ref":
      return { type: "text", placeholder: "a UUID" };
    default:
      return { type: "text" };
  }
}

function listPlaceholder(kind: ColumnKind, operator: string): string {
  if (operator === "between") return kind === "date" ? "from,to (YYYY-MM-DD,YYYY-MM-DD)" : "from,to (2024-01-01T00:00:00Z,2024-02-01T00:00:00Z)";
  if (kind === "uuid" || kind === "ref") return "UUIDs, comma-separated";
  return "values, comma-separated";
}

/** An enum's values as the options of a select; the label is the value made readable ("in-progress" → "In progress"). */
export function optionsOf(values: readonly string[]): { value: string; label: string }[] {
  return values.map((value) => {
    const spaced = value.replace(/[-_]+/g, " ").trim();
    return { value, label: spaced.charAt(0).toUpperCase() + spaced.slice(1) };
  });
}

/** The operators' labels, as Fluvius's query builder shows them next to the field's label. */
export const OPERATOR_LABELS: Readonly<Record<string, string>> = {
  has: "Contains",
  eq: "Equals",
  ne: "Not Equals",
  gt: "Greater than",
  gte: "Greater or Equals",
  lt: "Less than",
  lte: "Less or Equals",
  in: "In List",
  between: "Between",
  ov: "Overlaps",
};
