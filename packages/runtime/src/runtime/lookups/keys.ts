import type { AnyAggregateDefinition, ColumnKind } from "../definition.js";
import { columnValue } from "../command/column-value.js";
import { LookupSetupError } from "../errors.js";
import { naturalKeyId, naturalKeyValue } from "../natural-key.js";
import type { TenantStore } from "../store/types.js";
import type { ViewDefinition } from "../views/definition.js";

/**
 * What `find` is given, turned into what the store reads. Fields that are no key are a bug of
 * the handler (LookupSetupError); a value no row can hold (text for an integer key) finds nothing.
 */

/** The stream a natural key or unique field set names: derived for the natural key (no read), else read from the read model. */
export async function keyId(scope: TenantStore, definition: AnyAggregateDefinition, key: unknown): Promise<string | undefined> {
  const fields = fieldsOf(key, definition.aggregate);
  const naturalKey = definition.naturalKey;
  if (naturalKey !== undefined && sameFields(fields, [naturalKey.field])) {
    const value = naturalKeyValue(naturalKey, fields[naturalKey.field]);
    return value === undefined ? undefined : naturalKeyId(definition.domain, definition.aggregate, value);
  }
  const readModel = definition.readModel;
  const index = readModel?.unique?.find((u) => sameFields(fields, u.fields));
  if (readModel === undefined || index === undefined) {
    throw new LookupSetupError(`'${Object.keys(fields).join(", ")}' is neither the natural key nor a unique field set of ${definition.aggregate}.`);
  }
  const columns: Record<string, unknown> = {};
  for (const field of index.fields) {
    const column = readModel.columns.find((c) => c.field === field);
    const value = column === undefined ? undefined : lookupValue(column.kind, fields[field]);
    if (column === undefined || value === undefined) return undefined;
    columns[column.column] = value;
  }
  return scope.findRow(readModel, columns);
}

/** The key parts of a view's row in key order, as text; undefined when a value cannot be one of its part. */
export function viewKeyValues(view: ViewDefinition, key: unknown): string[] | undefined {
  const fields = fieldsOf(key, view.name);
  if (
    !sameFields(
      fields,
      view.table.key.map((k) => k.field),
    )
  ) {
    throw new LookupSetupError(
      `View ${view.name} is found by ${view.table.key.map((k) => `'${k.field}'`).join(", ")}, not by '${Object.keys(fields).join(", ")}'.`,
    );
  }
  const values: string[] = [];
  for (const part of view.table.key) {
    const value = lookupValue(part.kind, fields[part.field]);
    if (value === undefined) return undefined;
    values.push(String(value));
  }
  return values;
}

function fieldsOf(key: unknown, name: string): Readonly<Record<string, unknown>> {
  if (typeof key !== "object" || key === null || Array.isArray(key))
    throw new LookupSetupError(`${name} is found by an object of key fields, not by ${JSON.stringify(key)}.`);
  return key as Readonly<Record<string, unknown>>;
}

function sameFields(fields: Readonly<Record<string, unknown>>, wanted: readonly string[]): boolean {
  const given = Object.keys(fields);
  return given.length === wanted.length && wanted.every((f) => Object.hasOwn(fields, f));
}

/** A key value from code, checked against its column's kind as a URL segment would be. */
function lookupValue(kind: ColumnKind, value: unknown): string | number | boolean | undefined {
  if (typeof value === "string") return columnValue(kind, value);
  if (typeof value === "number") {
    if (kind === "integer") return Number.isSafeInteger(value) ? value : undefined;
    return (kind === "number" || kind === "decimal") && Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === "boolean") return kind === "boolean" ? value : undefined;
  return undefined;
}
