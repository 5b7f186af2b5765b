import { defaultOperator, filterKindOf, type FilterKind, isSearchable, OPERATORS, SYSTEM_FIELDS } from "@fluvius/runtime/internal/runtime/read/fields";
import type { AggregateModel } from "../../model/model.js";
import type { JsonSchemaObject } from "../typescript/json-schema.js";
import { columnKind } from "../sql/read-model-table.js";

type Json = JsonSchemaObject;

/** A field as the list query sees it: its name, the kind a reader knows it by, its operators. */
interface ListField {
  readonly name: string;
  readonly kind: string;
  readonly filter: FilterKind;
  readonly values?: readonly string[];
}

function listFields(aggregate: AggregateModel): ListField[] {
  const system = SYSTEM_FIELDS.map((f) => ({ name: f.name, kind: f.kind === "number" ? "integer" : f.kind, filter: f.kind }));
  const state = aggregate.state.map((f) => {
    const kind = columnKind(f.type);
    return { name: f.name, kind, filter: filterKindOf(kind), ...(f.type.kind === "enum" ? { values: f.type.values } : {}) };
  });
  return [...system, ...state];
}

/**
 * The query parameters of an aggregate's list, documented from the same operator table the
 * server checks queries against (packages/runtime/src/runtime/read/fields.ts): `query` lists every field with its
 * operators and carries an example that the server accepts, `text` names the fields it searches.
 */
export function listParameters(aggregate: AggregateModel): Json[] {
  const fields = listFields(aggregate);
  const filterable = fields.filter((f) => OPERATORS[f.filter].length > 0);
  const searched = fields.filter((f) => isSearchable({ name: f.name, kind: f.filter })).map((f) => `\`${f.name}\``);
  const names = fields.map((f) => f.name).join(",");
  return [
    { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 25 }, description: "Rows per page." },
    { name: "page", in: "query", schema: { type: "integer", minimum: 1, default: 1 }, description: "Page number, from 1." },
    {
      name: "sort",
      in: "query",
      schema: { type: "string" },
      example: "_created.desc",
      description:
        "Comma-separated `field.asc` / `field.desc` (`.asc` may be left out); then by `_id`, in the direction of the last key. Unset values come last either way.",
    },
    {
      name: "query",
      in: "query",
      schema: { type: "string" },
      example: JSON.stringify(exampleQuery(filterable)),
      description: [
        "A JSON object (URL-encoded) of conditions that must all hold. Keys: `field` (equals), `field.op`, `field!op` (negated; `field.` and `field!` mean `eq`), and the groups `.and`, `.or`, `!and`, `!or` holding a list of such objects (or one).",
        "The values of `in`, `between` (`[from, to]`, inclusive), `ov` (overlaps) and an array's `eq` are JSON lists, or one comma-separated string.",
        "",
        "Fields and their operators:",
        "",
        ...filterable.map((f) => `- \`${f.name}\` (${f.kind}${f.values ? `: ${f.values.join(", ")}` : ""}): ${OPERATORS[f.filter].join(", ")}`),
      ].join("\n"),
    },
    {
      name: "text",
      in: "query",
      schema: { type: "string" },
      description:
        searched.length > 0
          ? `Full-text search over ${searched.length === 1 ? searched[0] : searched.join(", ")}: every word given must start a word of the row, in any case (\`mug blu\` finds "Blue mug"). For a substring, use \`has\` in \`query\`.`
          : "No field of this resource is searched: any text matches nothing.",
    },
    {
      name: "include",
      in: "query",
      schema: { type: "string" },
      example: [
        "_id",
        ...fields
          .filter((f) => !f.name.startsWith("_"))
          .slice(0, 2)
          .map((f) => f.name),
      ].join(","),
      description: `Comma-separated fields the rows carry (default: all; \`_id\` always comes): ${names}.`,
    },
    { name: "exclude", in: "query", schema: { type: "string" }, description: "Comma-separated fields to leave out of the rows (after `include`)." },
  ];
}

/**
 * An example the server accepts, meant to read well: a text or enum field with its default
 * operator and an ordered field (number, date) with `gte`; else the first state field; else `_created`.
 */
function exampleQuery(filterable: readonly ListField[]): Record<string, unknown> {
  const state = filterable.filter((f) => !f.name.startsWith("_"));
  const named = state.find((f) => f.filter === "string" || f.filter === "enum");
  const ordered = state.find((f) => f.filter === "number" || f.filter === "date" || f.filter === "datetime");
  const chosen = [named, ordered].filter((f) => f !== undefined);
  const conditions: [ListField, string][] =
    chosen.length > 0
      ? chosen.map((f) => [f, f === ordered ? "gte" : defaultOperator(f.filter)])
      : [[state[0] ?? SYSTEM_CREATED, state[0] ? defaultOperator(state[0].filter) : "gte"]];
  return Object.fromEntries(conditions.map(([f, operator]) => [`${f.name}.${operator}`, sample(f)]));
}

const SYSTEM_CREATED: ListField = { name: "_created", kind: "datetime", filter: "datetime" };

function sample(field: ListField): unknown {
  switch (field.filter) {
    case "uuid":
      return "00000000-0000-4000-8000-000000000000";
    case "number":
      return field.kind === "decimal" ? "10.00" : 10;
    case "date":
      return "2024-01-31";
    case "datetime":
      return "2024-01-31T00:00:00Z";
    case "boolean":
      return true;
    case "enum":
      return field.values?.[0] ?? "";
    case "array":
      return ["a"];
    default:
      return "a";
  }
}
