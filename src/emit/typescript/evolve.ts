import type { ApplyOperation, EventModel, FieldModel, ValueSource } from "../../model/model.js";
import type { ValueType } from "../../model/types.js";
import { canonicalValue } from "@fluvius/runtime/internal/runtime/canonical";
import { schemaOf } from "./json-schema.js";
import { arrayDoc, callDoc, type Doc, type JsValue, print, valueDoc } from "../print.js";

/**
 * The statements of one `case` of the generated evolve function: they change a copy of the
 * state (`next`) the way the event's `apply` says. Decimal arithmetic goes through the
 * runtime's exact helpers; arrays and objects are never mutated in place.
 */
export function evolveStatements(event: EventModel, state: readonly FieldModel[]): string[] {
  const fields = new Map(state.map((f) => [f.name, f]));
  // Printed where the template puts them: inside `switch` → `case` → block, six spaces in.
  return (event.apply ?? []).map((op) => print(statement(op, fields), { base: 6 }));
}

/** Runtime helpers the statements use, so the module imports exactly those. */
export function evolveHelpers(events: readonly EventModel[], state: readonly FieldModel[]): string[] {
  const fields = new Map(state.map((f) => [f.name, f]));
  const helpers = new Set<string>();
  for (const event of events) {
    for (const op of event.apply ?? []) {
      const field = fields.get(op.field);
      const decimal = field?.type.kind === "primitive" && field.type.primitive === "decimal";
      if (decimal && op.kind === "add") helpers.add("add");
      if (decimal && op.kind === "subtract") helpers.add("subtract");
      if (op.kind === "pull") helpers.add("isDeepStrictEqual");
    }
  }
  return [...helpers].sort();
}

function statement(op: ApplyOperation, fields: ReadonlyMap<string, FieldModel>): Doc {
  const field = fields.get(op.field);
  const target = `next.${op.field}`;
  if (op.kind === "unset") return `delete ${target};`;
  const type = field?.type;
  // push and pull take an element of the array; the others a value of the field.
  const valueType = (op.kind === "push" || op.kind === "pull") && type?.kind === "array" ? type.element : type;
  const value = valueExpression(op.value, field, valueType);
  const decimal = type?.kind === "primitive" && type.primitive === "decimal";
  // A required field without a default is absent until an event sets it.
  const mayBeAbsent = field === undefined || field.optional || !field.hasDefault;
  switch (op.kind) {
    case "set":
      return [target, " = ", value, ";"];
    case "add":
    case "subtract": {
      if (decimal) return [target, " = ", callDoc(op.kind, [`${target}${mayBeAbsent ? ' ?? "0"' : ""}`, value]), ";"];
      return [target, " = ", mayBeAbsent ? `(${target} ?? 0)` : target, op.kind === "add" ? " + " : " - ", value, ";"];
    }
    case "push":
      return [target, " = ", arrayDoc([mayBeAbsent ? `...(${target} ?? [])` : `...${target}`, value]), ";"];
    case "pull":
      return [target, " = ", callDoc(`${mayBeAbsent ? `(${target} ?? [])` : target}.filter`, [["(item) => !isDeepStrictEqual(item, ", value, ")"]]), ";"];
  }
}

function valueExpression(source: ValueSource, field: FieldModel | undefined, type: ValueType | undefined): Doc {
  switch (source.kind) {
    case "payload":
      return `event.data.${source.field}`;
    case "meta":
      if (source.name === "recordedAt") return "meta.recordedAt";
      // Commands always have an actor; events appended by a system process may not.
      return field?.optional ? "meta.actorId ?? undefined" : 'meta.actorId ?? ""';
    case "literal":
      // In the runtime's one spelling, as payloads are (a scale-2 decimal "0" is "0.00").
      return valueDoc((type === undefined ? source.value : canonicalValue(schemaOf(type), source.value)) as JsValue);
  }
}
