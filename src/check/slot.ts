import { assignable } from "../model/compat.js";
import { describeType, type ValueType } from "../model/types.js";
import { describeActual } from "../validate/map-errors.js";
import { valueProblem } from "./values.js";

/** A value written in a spec (`apply`, a reaction's payload): a literal, or a typed reference. */
export type SlotValue =
  | { readonly kind: "literal"; readonly value: unknown }
  | { readonly kind: "reference"; readonly text: string; readonly type: ValueType; readonly optional: boolean; readonly isActorId: boolean };

/** Whether the value can go into a slot of this type (optional: may the slot be empty). */
export function fitsSlot(source: SlotValue, type: ValueType, optional: boolean): boolean {
  if (source.kind === "literal") return valueProblem(source.value, type, optional) === undefined;
  if (source.optional && !optional) return false;
  // An actor id comes from the token's subject; it may go into any string-like or id field.
  if (source.isActorId && (type.kind === "ref" || (type.kind === "primitive" && ["uuid", "text"].includes(type.primitive)))) return true;
  return assignable(source.type, type);
}

/** How a value reads in a message: "the string 'x'", "$payload.amount (Money (decimal), optional)". */
export function describeSlotValue(source: SlotValue): string {
  if (source.kind === "literal") return describeActual(source.value);
  return `${source.text} (${describeType(source.type)}${source.optional ? ", optional" : ""})`;
}
