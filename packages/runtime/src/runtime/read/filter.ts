import { InvalidQueryError } from "./errors.js";
import { isSystemField, kindInMessage, OPERATORS, type QueryField } from "./fields.js";

/**
 * The Fluvius filter language, as a typed tree. A query is a JSON object whose keys are
 * `field` (eq), `field.op`, `field!op` (negated; `field.` and `field!` default to eq), or the groups `.and` / `.or` / `!and` /
 * `!or` whose value is a list of queries or one query object.
 */
export type Filter =
  | { readonly kind: "and" | "or"; readonly negated: boolean; readonly items: readonly Filter[] }
  | { readonly kind: "condition"; readonly field: QueryField; readonly operator: string; readonly negated: boolean; readonly value: unknown };

const MAX_DEPTH = 16;
const MAX_CONDITIONS = 200;

export function parseFilter(query: unknown, fields: ReadonlyMap<string, QueryField>): Filter {
  const counter = { conditions: 0 };
  return parseGroup("and", false, query, fields, 0, counter);
}

function parseGroup(
  kind: "and" | "or",
  negated: boolean,
  value: unknown,
  fields: ReadonlyMap<string, QueryField>,
  depth: number,
  counter: { conditions: number },
): Filter {
  if (depth > MAX_DEPTH) throw new InvalidQueryError(`The query is nested more than ${MAX_DEPTH} levels deep.`);
  const objects = Array.isArray(value) ? value : [value];
  const items: Filter[] = [];
  for (const object of objects) {
    if (object === null || typeof object !== "object" || Array.isArray(object)) {
      throw new InvalidQueryError("A query is a JSON object (or, in a group, a list of objects).", { found: describe(object) });
    }
    for (const [key, entry] of Object.entries(object as Record<string, unknown>)) {
      const group = /^([.!])(and|or)$/.exec(key);
      if (group) {
        items.push(parseGroup(group[2] as "and" | "or", group[1] === "!", entry, fields, depth + 1, counter));
        continue;
      }
      if (++counter.conditions > MAX_CONDITIONS) throw new InvalidQueryError(`The query has more than ${MAX_CONDITIONS} conditions.`);
      items.push(parseCondition(key, entry, fields));
    }
  }
  return { kind, negated, items };
}

function parseCondition(key: string, value: unknown, fields: ReadonlyMap<string, QueryField>): Filter {
  // `field.` and `field!` are `field.eq` and `field!eq`, as Fluvius reads them.
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:([.!])([a-z]*))?$/.exec(key);
  if (!match) throw new InvalidQueryError(`'${key}' is not a filter key; write field, field.op or field!op.`, { key });
  const [, name = "", separator, op] = match;
  const field = fields.get(name);
  if (!field) throw new InvalidQueryError(`Unknown field '${name}'.`, { field: name, fields: [...fields.keys()] });
  const operator = op || "eq";
  const allowed = OPERATORS[field.kind];
  if (allowed.length === 0) {
    const filterable = filterableFields(fields);
    throw new InvalidQueryError(
      `Field '${name}' is a ${kindInMessage(field)} field, and ${kindInMessage(field)} fields cannot be filtered (nor sorted). Fields that can be filtered, with their operators: ${describeFilterable(filterable)}.`,
      { field: name, operator, operators: allowed, filterable: Object.fromEntries(filterable.map((f) => [f.name, OPERATORS[f.kind]])) },
    );
  }
  if (!allowed.includes(operator)) {
    throw new InvalidQueryError(
      `Operator '${operator}' does not apply to field '${name}' (${field.kind}); use ${allowed.join(", ") || "none: it cannot be filtered"}.`,
      {
        field: name,
        operator,
        operators: allowed,
      },
    );
  }
  return { kind: "condition", field, operator, negated: separator === "!", value };
}

/** The fields a filter may use: the state's first, then the system fields. */
function filterableFields(fields: ReadonlyMap<string, QueryField>): QueryField[] {
  const all = [...fields.values()].filter((f) => OPERATORS[f.kind].length > 0);
  return [...all.filter((f) => !isSystemField(f.name)), ...all.filter((f) => isSystemField(f.name))];
}

const LISTED = 12;

/** `status (eq, ne, in), total (eq, gt, gte, lt, lte), …`: at most LISTED fields in the message; `errdata.filterable` has them all. */
function describeFilterable(fields: readonly QueryField[]): string {
  const listed = fields.slice(0, LISTED).map((f) => `${f.name} (${OPERATORS[f.kind].join(", ")})`);
  const more = fields.length - listed.length;
  return more > 0 ? `${listed.join(", ")} and ${more} more (errdata.filterable)` : listed.join(", ");
}

function describe(value: unknown): string {
  return Array.isArray(value) ? "a list" : value === null ? "null" : typeof value;
}
