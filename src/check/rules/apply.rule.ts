import { didYouMean } from "../../diagnostics/suggest.js";
import { describeType, type FieldInfo, NUMERIC_PRIMITIVES, type ValueType } from "../../model/types.js";
import type { DataPath } from "../../parse/source-file.js";
import type { ApplySpec } from "../../validate/spec.js";
import type { Reporter, Rule, Site } from "../context.js";
import { describeSlotValue, fitsSlot, type SlotValue } from "../slot.js";

/** The `$meta` values an apply may read, and their types. */
export const META_VALUES: Readonly<Record<string, ValueType>> = {
  recordedAt: { kind: "primitive", primitive: "datetime", constraints: {} },
  actorId: { kind: "primitive", primitive: "string", constraints: {} },
};

const OPERATIONS = ["set", "add", "subtract", "push", "pull"] as const;
type Operation = (typeof OPERATIONS)[number] | "unset";

/** A value in an apply: a reference to the payload or metadata, or a literal. */
type Source =
  | { readonly kind: "reference"; readonly text: string; readonly type: ValueType; readonly optional: boolean }
  | { readonly kind: "literal"; readonly value: unknown }
  | { readonly kind: "invalid" };

/** Every `apply` changes existing state fields with values of the right type, each field once. */
export const applyRule: Rule = {
  name: "apply",
  reads: "domain",
  codes: [
    "unknown-field",
    "unknown-payload-field",
    "unknown-variable",
    "apply-type-mismatch",
    "optional-into-required",
    "non-numeric-operation",
    "non-array-operation",
    "unset-required-field",
    "conflicting-apply",
  ],
  check(domain, context) {
    for (const a of domain.aggregates.values()) {
      const state = new Map(domain.resolver.fields(a.spec.state).map((f) => [f.name, f]));
      for (const [eventName, event] of Object.entries(a.spec.events ?? {})) {
        if (!event?.apply) continue;
        const payload = new Map(domain.resolver.fields(event.payload).map((f) => [f.name, f]));
        checkApply(event.apply, {
          context,
          aggregate: a.name,
          event: eventName,
          state,
          payload,
          file: a.file,
          path: [...a.path, "events", eventName, "apply"],
        });
      }
    }
  },
};

interface ApplyScope {
  readonly context: Reporter;
  readonly aggregate: string;
  readonly event: string;
  readonly state: ReadonlyMap<string, FieldInfo>;
  readonly payload: ReadonlyMap<string, FieldInfo>;
  readonly file: Site["file"];
  readonly path: DataPath;
}

function checkApply(apply: ApplySpec, scope: ApplyScope): void {
  const touched = new Map<string, Operation>();
  const target = (operation: Operation, fieldName: string, path: DataPath): FieldInfo | undefined => {
    const field = scope.state.get(fieldName);
    const at = { file: scope.file, path, part: "key" as const };
    if (!field) {
      scope.context.report("unknown-field", { field: fieldName, aggregate: scope.aggregate, suggestion: didYouMean(fieldName, scope.state.keys()) }, at);
      return undefined;
    }
    const earlier = touched.get(fieldName);
    if (earlier) {
      scope.context.report("conflicting-apply", { field: fieldName, first: earlier, second: operation }, at);
      return undefined;
    }
    touched.set(fieldName, operation);
    return field;
  };

  for (const operation of OPERATIONS) {
    for (const [fieldName, value] of Object.entries(apply[operation] ?? {})) {
      const path = [...scope.path, operation, fieldName];
      const field = target(operation, fieldName, path);
      if (!field) continue;
      const source = resolveSource(value, scope, path);
      if (source.kind === "invalid") continue;
      checkOperation(operation, field, source, scope, path);
    }
  }
  for (const [i, fieldName] of (apply.unset ?? []).entries()) {
    const path = [...scope.path, "unset", i];
    const field = target("unset", fieldName, path);
    if (field && !field.optional) scope.context.report("unset-required-field", { field: fieldName }, { file: scope.file, path });
  }
}

function checkOperation(
  operation: (typeof OPERATIONS)[number],
  field: FieldInfo,
  source: Exclude<Source, { kind: "invalid" }>,
  scope: ApplyScope,
  path: DataPath,
): void {
  const at = { file: scope.file, path };
  const fieldType = describeType(field.type);
  const mismatch = () => scope.context.report("apply-type-mismatch", { operation, field: field.name, fieldType, value: describeSource(source) }, at);
  if (field.type.kind === "unknown") return;

  if (operation === "add" || operation === "subtract") {
    if (field.type.kind !== "primitive" || !NUMERIC_PRIMITIVES.has(field.type.primitive)) {
      scope.context.report("non-numeric-operation", { operation, field: field.name, fieldType }, { ...at, part: "key" });
      return;
    }
    if (!fits(source, field.type, false)) mismatch();
    return;
  }
  if (operation === "push" || operation === "pull") {
    if (field.type.kind !== "array") {
      scope.context.report("non-array-operation", { operation, field: field.name, fieldType }, { ...at, part: "key" });
      return;
    }
    if (!fits(source, field.type.element, false)) mismatch();
    return;
  }
  if (fits(source, field.type, field.optional)) return;
  // The commonest case gets its own words: the types agree, only the payload field may be absent.
  if (source.kind === "reference" && source.optional && fits({ ...source, optional: false }, field.type, field.optional)) {
    scope.context.report("optional-into-required", { operation, field: field.name, fieldType, value: source.text }, at);
    return;
  }
  mismatch();
}

function fits(source: Exclude<Source, { kind: "invalid" }>, type: ValueType, optional: boolean): boolean {
  return fitsSlot(asSlot(source), type, optional);
}

function describeSource(source: Exclude<Source, { kind: "invalid" }>): string {
  return describeSlotValue(asSlot(source));
}

function asSlot(source: Exclude<Source, { kind: "invalid" }>): SlotValue {
  return source.kind === "literal" ? source : { ...source, isActorId: source.text === "$meta.actorId" };
}

function resolveSource(value: unknown, scope: ApplyScope, path: DataPath): Source {
  if (typeof value !== "string" || !value.startsWith("$")) return { kind: "literal", value };
  if (value.startsWith("$$")) return { kind: "literal", value: value.slice(1) };
  const at = { file: scope.file, path };
  const [root, ...rest] = value.slice(1).split(".");
  const name = rest.join(".");
  if (root === "payload" && rest.length > 0) {
    const field = scope.payload.get(name);
    if (field) return { kind: "reference", text: value, type: field.type, optional: field.optional };
    scope.context.report("unknown-payload-field", { field: name, event: scope.event, suggestion: didYouMean(name, scope.payload.keys()) }, at);
    return { kind: "invalid" };
  }
  if (root === "meta" && rest.length === 1 && META_VALUES[name]) {
    return { kind: "reference", text: value, type: META_VALUES[name], optional: false };
  }
  const allowed = ["$payload.<field>", ...Object.keys(META_VALUES).map((m) => `$meta.${m}`)];
  const candidates = [...[...scope.payload.keys()].map((f) => `$payload.${f}`), ...Object.keys(META_VALUES).map((m) => `$meta.${m}`)];
  scope.context.report("unknown-variable", { text: value, allowed: allowed.join(", "), suggestion: didYouMean(value, candidates) }, at);
  return { kind: "invalid" };
}
