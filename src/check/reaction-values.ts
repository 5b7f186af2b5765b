import { didYouMean } from "../diagnostics/suggest.js";
import type { ReactionValue } from "../model/model.js";
import { EVENT_META_NAMES, parseReactionValue } from "../model/reaction-values.js";
import type { FieldInfo, ValueType } from "../model/types.js";
import type { CheckContext, Site } from "./context.js";

/** The type of each `$event.<meta>` value. */
const META_TYPES: Readonly<Record<string, ValueType>> = {
  id: { kind: "primitive", primitive: "uuid", constraints: {} },
  streamId: { kind: "primitive", primitive: "uuid", constraints: {} },
  correlationId: { kind: "primitive", primitive: "uuid", constraints: {} },
  recordedAt: { kind: "primitive", primitive: "datetime", constraints: {} },
  actorId: { kind: "primitive", primitive: "string", constraints: {} },
};

/** What a reaction's values can see: the event's data fields, and the `forEach` element if any. */
export interface ReactionValueScope {
  readonly context: CheckContext;
  readonly event: string;
  readonly data: readonly FieldInfo[];
  /** The type of `$item`; undefined without `forEach`. */
  readonly item?: ValueType;
}

export type TypedValue =
  | { readonly kind: "reference"; readonly text: string; readonly value: ReactionValue; readonly type: ValueType; readonly optional: boolean }
  | { readonly kind: "literal"; readonly value: unknown };

/** Parses and types one value; reports what is wrong and returns undefined then. */
export function typeReactionValue(text: unknown, scope: ReactionValueScope, at: Site): TypedValue | undefined {
  const parsed = parseReactionValue(text);
  if (parsed?.kind === "literal") return { kind: "literal", value: parsed.value };
  const written = String(text);
  if (parsed?.kind === "event-meta")
    return { kind: "reference", text: written, value: parsed, type: META_TYPES[parsed.name] ?? { kind: "unknown" }, optional: false };
  if (parsed?.kind === "event-data") {
    const found = fieldAt(scope.data, parsed.path);
    if (found) return { kind: "reference", text: written, value: parsed, ...found };
    reportUnknownField(parsed.path, scope.data, scope, at);
    return undefined;
  }
  if (parsed?.kind === "item" && scope.item !== undefined) {
    if (parsed.path.length === 0) return { kind: "reference", text: written, value: parsed, type: scope.item, optional: false };
    const fields = scope.item.kind === "object" ? scope.item.fields : [];
    const found = fieldAt(fields, parsed.path);
    if (found) return { kind: "reference", text: written, value: parsed, ...found };
    scope.context.report(
      "unknown-event-field",
      {
        field: `$item.${parsed.path.join(".")}`,
        event: scope.event,
        suggestion: didYouMean(
          parsed.path[0] ?? "",
          fields.map((f) => f.name),
        ),
      },
      at,
    );
    return undefined;
  }
  const allowed = ["$event.data.<field>", ...EVENT_META_NAMES.map((m) => `$event.${m}`), ...(scope.item ? ["$item", "$item.<field>"] : [])];
  // `$event.meta.x` is a natural guess for `$event.x`: say so directly.
  const meta = /^\$event\.meta\.([A-Za-z]+)$/.exec(written)?.[1];
  const suggestion =
    meta !== undefined && (EVENT_META_NAMES as readonly string[]).includes(meta)
      ? ` Did you mean '$event.${meta}'?`
      : didYouMean(written, [...scope.data.map((f) => `$event.data.${f.name}`), ...EVENT_META_NAMES.map((m) => `$event.${m}`)]);
  scope.context.report("unknown-variable", { text: written, allowed: allowed.join(", "), suggestion }, at);
  return undefined;
}

/** The field a data path leads to, through object fields; optional if any step is. */
export function fieldAt(fields: readonly FieldInfo[], path: readonly string[]): { type: ValueType; optional: boolean } | undefined {
  let current = fields;
  let optional = false;
  for (const [i, name] of path.entries()) {
    const field = current.find((f) => f.name === name);
    if (!field) return undefined;
    optional ||= field.optional;
    if (i === path.length - 1) return { type: field.type, optional };
    if (field.type.kind !== "object") return undefined;
    current = field.type.fields;
  }
  return undefined;
}

function reportUnknownField(path: readonly string[], data: readonly FieldInfo[], scope: ReactionValueScope, at: Site): void {
  scope.context.report(
    "unknown-event-field",
    {
      field: path.join("."),
      event: scope.event,
      suggestion: didYouMean(
        path[0] ?? "",
        data.map((f) => f.name),
      ),
    },
    at,
  );
}
