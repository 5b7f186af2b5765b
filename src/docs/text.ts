import type { ApplyOperation, EventRef, ReactionCondition, ReactionValue, ValueSource, ViewOperation, ViewValue, WhenCondition } from "../model/model.js";
import { EXTERNAL_STREAM } from "../model/naming.js";
import type { ValueType } from "../model/types.js";

/**
 * How the model's pieces read in the docs: in the spec's own notation (`Money[]`,
 * `$payload.amount`, `status in [open, frozen]`), so a reader can find them in the YAML.
 */

/** A type as a spec author writes it: the named type when there is one, else its structure. */
export function typeText(type: ValueType): string {
  return "typeName" in type && type.typeName !== undefined ? type.typeName : structureText(type);
}

/** What a named type stands for, one level down (its own name would say nothing), with a primitive's constraints. */
export function definitionText(type: ValueType): string {
  const base = structureText(type);
  if (type.kind !== "primitive") return base;
  const c = type.constraints;
  const parts = [
    c.scale === undefined ? undefined : `scale ${c.scale}`,
    c.minimum === undefined ? undefined : `minimum ${String(c.minimum)}`,
    c.maximum === undefined ? undefined : `maximum ${String(c.maximum)}`,
    c.minLength === undefined ? undefined : `minLength ${c.minLength}`,
    c.maxLength === undefined ? undefined : `maxLength ${c.maxLength}`,
    c.pattern === undefined ? undefined : `pattern ${c.pattern}`,
  ].filter((p): p is string => p !== undefined);
  return parts.length === 0 ? base : `${base} (${parts.join(", ")})`;
}

function structureText(type: ValueType): string {
  switch (type.kind) {
    case "primitive":
      return type.primitive;
    case "enum":
      return `enum (${type.values.join(", ")})`;
    case "object":
      return `{ ${type.fields.map((f) => `${f.name}${f.optional ? "?" : ""}: ${typeText(f.type)}`).join(", ")} }`;
    case "ref":
      return `ref to ${type.aggregate}`;
    case "array":
      return `${typeText(type.element)}[]`;
    case "unknown":
      return "unknown";
  }
}

export function literalText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function valueSourceText(value: ValueSource): string {
  switch (value.kind) {
    case "literal":
      return literalText(value.value);
    case "payload":
      return `$payload.${value.field}`;
    case "meta":
      return `$meta.${value.name}`;
  }
}

export function reactionValueText(value: ReactionValue | ViewValue): string {
  switch (value.kind) {
    case "literal":
      return literalText(value.value);
    case "event-data":
      return `$event.data.${value.path.join(".")}`;
    case "event-meta":
      return `$event.${value.name}`;
    case "item":
      return ["$item", ...value.path].join(".");
    case "state":
      return `$state.${value.path.join(".")}`;
  }
}

const APPLY_SIGN = { set: "=", add: "+=", subtract: "-=" } as const;

/** `balance += $payload.amount`, `tags push $payload.tag`, `unset address`. */
export function applyText(op: ApplyOperation | ViewOperation): string {
  switch (op.kind) {
    case "unset":
      return `unset ${op.field}`;
    case "count":
      return `${op.field} += 1`;
    case "push":
    case "pull":
      return `${op.field} ${op.kind} ${valueText(op.value)}`;
    default:
      return `${op.field} ${APPLY_SIGN[op.kind]} ${valueText(op.value)}`;
  }
}

function valueText(value: ValueSource | ViewValue): string {
  return value.kind === "payload" || value.kind === "meta" ? valueSourceText(value) : reactionValueText(value);
}

/** `status = open`, `status in [open, frozen]`. */
export function conditionText(condition: WhenCondition | ReactionCondition): string {
  const values = condition.values.map((v) => (v === null ? "null" : String(v)));
  return values.length === 1 ? `${condition.field} = ${values[0] ?? ""}` : `${condition.field} in [${values.join(", ")}]`;
}

/** An event as a reaction names it from `home`: `order.order-placed`, `shop.order.order-placed`, `external.order-placed`. */
export function eventRefText(ref: EventRef, home: string): string {
  const local = `${ref.aggregate}.${ref.event}`;
  return ref.domain === home ? local : `${ref.domain}.${local}`;
}

export function isExternal(ref: EventRef): boolean {
  return ref.aggregate === EXTERNAL_STREAM;
}

/** `30m`, `2h`, `90d`: the largest unit that divides the delay. */
export function durationText(milliseconds: number): string {
  const units: readonly [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "m"],
    [1000, "s"],
  ];
  for (const [size, unit] of units) if (milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  return `${milliseconds}ms`;
}
