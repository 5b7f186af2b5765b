import { InvalidQueryError } from "./errors.js";

/** `include` / `exclude` of a list request, as they arrive. */
export interface SelectionParameters {
  readonly include?: string;
  readonly exclude?: string;
}

/**
 * The fields a list's rows carry: `include=a,b` keeps only those, `exclude=c` drops those
 * (both comma-separated, applied in that order). `_id` is always kept: a row without its id
 * cannot be opened or commanded. A name that is not a field of the resource is a 400 naming
 * it. Undefined when neither names a field (every field), as with Fluvius.
 */
export function parseSelection(parameters: SelectionParameters, fields: readonly string[]): ReadonlySet<string> | undefined {
  const include = names(parameters.include, "include", fields);
  const exclude = names(parameters.exclude, "exclude", fields);
  if (include === undefined && exclude === undefined) return undefined;
  const chosen = new Set(include ?? fields);
  for (const name of exclude ?? []) chosen.delete(name);
  chosen.add("_id");
  return chosen;
}

function names(value: string | undefined, parameter: "include" | "exclude", fields: readonly string[]): string[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const list = value.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const unknown = list.find((name) => !fields.includes(name));
  if (unknown !== undefined) {
    throw new InvalidQueryError(`\`${parameter}\` names '${unknown.slice(0, 100)}', which is not a field of this resource.`, { parameter, field: unknown.slice(0, 100), fields });
  }
  return list.length === 0 ? undefined : list;
}
