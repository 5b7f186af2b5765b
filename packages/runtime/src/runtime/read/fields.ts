/** What a list query may filter and sort on: the read-model columns plus the system ones. */
export type FilterKind = "string" | "uuid" | "number" | "date" | "datetime" | "boolean" | "enum" | "array" | "none";

export interface QueryField {
  /** The name in queries and rows: a state field, or a system field (`_id`, `_version`, `_created`, `_updated`, `_creator`, `_updater`). */
  readonly name: string;
  /** The SQL column (quoted when used). */
  readonly column: string;
  readonly kind: FilterKind;
  /** For decimals: compare as numeric, never as text or float. */
  readonly numeric?: "integer" | "number" | "decimal";
  readonly values?: readonly string[];
  /** Of a field that cannot be filtered (kind `none`): what it is, `json` or `object`, for the messages that refuse it. */
  readonly stored?: string;
  /** The column is NOT NULL: sorting needs no NULLS LAST, which lets an index serve descending order too. */
  readonly notNull?: true;
}

/** Operators per kind (DESIGN §4). */
export const OPERATORS: Readonly<Record<FilterKind, readonly string[]>> = {
  string: ["has", "eq", "ne"],
  uuid: ["eq", "in", "ne"],
  number: ["eq", "gt", "gte", "lt", "lte"],
  date: ["eq", "gt", "gte", "lt", "lte", "between"],
  datetime: ["eq", "gt", "gte", "lt", "lte", "between"],
  boolean: ["eq", "ne"],
  enum: ["eq", "ne", "in"],
  array: ["eq", "ov"],
  none: [],
};

/**
 * The operator a generic UI offers first for a field (its `noop` in the resource metadata):
 * `has` for text, `eq` otherwise. (A bare `field` key, `field.` and `field!` always mean `eq`.)
 */
export function defaultOperator(kind: FilterKind): string {
  return kind === "string" ? "has" : "eq";
}

/**
 * Whether the operator's value is a list: `in`, `between`, `ov`, and `eq`/`ne` on an array
 * field. A list may also be given as one comma-separated string (what a text input sends).
 */
export function takesList(kind: FilterKind, operator: string): boolean {
  return operator === "in" || operator === "between" || operator === "ov" || kind === "array";
}

/** The column kinds of the runtime's read-model description, mapped to filter kinds. */
export function filterKindOf(kind: string): FilterKind {
  switch (kind) {
    case "string":
    case "text":
    case "email":
    case "url":
      return "string";
    case "uuid":
    case "ref":
      return "uuid";
    case "integer":
    case "number":
    case "decimal":
      return "number";
    case "date":
      return "date";
    case "datetime":
      return "datetime";
    case "boolean":
      return "boolean";
    case "enum":
      return "enum";
    case "array":
      return "array";
    default:
      return "none";
  }
}

/** The system columns every read-model row has. */
export const SYSTEM_FIELDS: readonly QueryField[] = [
  { name: "_id", column: "_id", kind: "uuid", notNull: true },
  { name: "_version", column: "_version", kind: "number", numeric: "integer", notNull: true },
  { name: "_created", column: "_created", kind: "datetime", notNull: true },
  { name: "_updated", column: "_updated", kind: "datetime", notNull: true },
  // Actor ids (text, as the event log has them: a token subject need not be a UUID); NULL without an actor.
  { name: "_creator", column: "_creator", kind: "string" },
  { name: "_updater", column: "_updater", kind: "string" },
];

/** Whether a field is a system field (state fields start with a lower-case letter). */
export function isSystemField(name: string): boolean {
  return name.startsWith("_");
}

/** The fields `text` searches: the state's text and enum fields (never the system fields). */
export function isSearchable(field: { readonly name: string; readonly kind: FilterKind }): boolean {
  return (field.kind === "string" || field.kind === "enum") && !isSystemField(field.name);
}

export function isSortable(field: QueryField): boolean {
  return field.kind !== "array" && field.kind !== "none";
}

/** What a field is, in a message: its filter kind, or for one that cannot be filtered what it stores (`json`, `object`). */
export function kindInMessage(field: QueryField): string {
  return field.kind === "none" ? (field.stored ?? "json") : field.kind;
}

/** `none` fields (objects and json) keep what they are, for messages. */
export function storedOf(kind: string): { readonly stored?: string } {
  return filterKindOf(kind) === "none" ? { stored: kind } : {};
}
