import type { ErrorObject } from "ajv";
import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { closest, didYouMean } from "../diagnostics/suggest.js";
import { rangeAt } from "../parse/locate.js";
import type { DataPath, SourceFile } from "../parse/source-file.js";

/** What each named definition's pattern means, for "invalid-name" messages. */
const NAME_RULES: Record<string, { kind: string; rule: string }> = {
  resourceName: { kind: "domain or aggregate", rule: "use lower-case letters, digits and '-', starting with a letter (e.g. 'firmware-release')" },
  actionName: { kind: "action or event", rule: "use letters, digits, '-' and '_', starting with a lower-case letter (e.g. 'open-account')" },
  fieldName: { kind: "field", rule: "use letters, digits and '_', not starting with a digit (e.g. 'customerId')" },
  typeName: { kind: "type", rule: "use PascalCase letters and digits (e.g. 'Money')" },
  roleName: { kind: "role", rule: "use letters, digits, '-', '_' and '.', starting with a letter" },
};

/**
 * Keys users put where they do not belong, by the path of the object holding them ("" is the
 * top level): the hint says where they go. fluvius.yaml's `external:` (the first spelling of
 * DESIGN §7) moved into the domain specs, where payload types can use the domain's types.
 */
const MISPLACED_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "": {
    external:
      "External events are declared in a domain spec, next to the reactions that hear them: `external: { <name>: { from: <nats integration>, subject: <subject>, payload: { ... } } }` (docs/integrations.md).",
  },
};

/**
 * Turns ajv's errors into diagnostics at the YAML node they concern. ajv reports
 * some problems more than once (a failing `if` branch, `propertyNames` beside the
 * pattern that failed); those echoes are dropped.
 */
export function reportSchemaErrors(errors: readonly ErrorObject[], file: SourceFile, diagnostics: DiagnosticCollector): void {
  // A misspelled required key shows up twice: as an unknown key and as a missing one.
  // The unknown key's "did you mean" says it all, so the missing key is not reported.
  const misspelled = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== "additionalProperties") continue;
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const known = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
    const match = closest(key, known);
    if (match !== undefined) misspelled.add(`${error.instancePath}\0${match}`);
  }
  for (const error of errors) {
    const path = toDataPath(error.instancePath);
    const defName = /#\/\$defs\/([A-Za-z]+)\//.exec(error.schemaPath)?.[1];
    switch (error.keyword) {
      case "if":
      case "propertyNames":
        break;
      case "additionalProperties": {
        const key = String((error.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
        const keyPath = [...path, key];
        const hint = MISPLACED_KEYS[error.instancePath]?.[key];
        diagnostics.report(
          "unknown-key",
          { key, where: describePath(path), suggestion: didYouMean(key, known) },
          rangeAt(file, keyPath, "key"),
          hint === undefined ? {} : { hint },
        );
        break;
      }
      case "required": {
        const key = String((error.params as { missingProperty: string }).missingProperty);
        if (misspelled.has(`${error.instancePath}\0${key}`)) break;
        diagnostics.report("missing-key", { key, where: describePath(path) }, rangeAt(file, path, "key"));
        break;
      }
      case "type":
        diagnostics.report(
          "wrong-type",
          { expected: describeExpected(error.params as { type: string | string[] }), actual: describeActual(error.data) },
          rangeAt(file, path, "value"),
        );
        break;
      case "pattern": {
        const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
        const text = propertyName ?? String(error.data);
        const at = propertyName === undefined ? rangeAt(file, path, "value") : rangeAt(file, [...path, propertyName], "key");
        if (defName === "typeExpression") diagnostics.report("invalid-type-expression", { text }, at);
        else if (error.schemaPath.includes("/allow/")) diagnostics.report("invalid-permission", { text }, at);
        else if (defName !== undefined && NAME_RULES[defName]) diagnostics.report("invalid-name", { name: text, ...NAME_RULES[defName] }, at);
        else diagnostics.report("invalid-value", { detail: `'${text}' ${describeMessage(error)}` }, at);
        break;
      }
      default:
        diagnostics.report("invalid-value", { detail: describeMessage(error) }, rangeAt(file, path, "value"));
    }
  }
}

/** "/aggregates/account/state/balance" → ["aggregates", "account", "state", "balance"] (JSON Pointer). */
export function toDataPath(pointer: string): DataPath {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** A human name for the place a path points at: "action 'deposit'", "the top level". */
export function describePath(path: DataPath): string {
  if (path.length === 0) return "the top level";
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  const names: Record<string, string> = {
    aggregates: "aggregate",
    actions: "action",
    events: "event",
    types: "type",
    state: "state field",
    payload: "payload field",
    fields: "field",
    roles: "role",
  };
  if (typeof parent === "string" && names[parent]) return `${names[parent]} '${String(last)}'`;
  if (parent === "rules" && typeof last === "number") return `policy rule #${last + 1}`;
  return `'${String(last)}'`;
}

function describeExpected(params: { type: string | string[] }): string {
  const types = Array.isArray(params.type) ? params.type : [params.type];
  const words = types.map((t) =>
    t === "object" ? "a mapping" : t === "array" ? "a list" : t === "null" ? "nothing" : t === "integer" ? "an integer" : `a ${t}`,
  );
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

export function describeActual(data: unknown): string {
  if (data === null || data === undefined) return "nothing";
  if (Array.isArray(data)) return "a list";
  if (typeof data === "object") return "a mapping";
  if (typeof data === "string") return `the string '${data.length > 40 ? `${data.slice(0, 40)}…` : data}'`;
  return `${typeof data === "number" && Number.isInteger(data) ? "the integer" : `the ${typeof data}`} ${String(data)}`;
}

/** ajv's messages are terse ("must be >= 1"); say what the value was too. */
function describeMessage(error: ErrorObject): string {
  const message = error.message ?? "is not allowed here";
  switch (error.keyword) {
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `${String(error.data)} ${message}`;
    case "minItems": {
      const limit = (error.params as { limit: number }).limit;
      return `the list must have at least ${limit} ${limit === 1 ? "item" : "items"}`;
    }
    case "minProperties":
      return `the mapping ${message}`;
    case "uniqueItems":
      return `the list has duplicate entries (items ${(error.params as { j: number; i: number }).j + 1} and ${(error.params as { i: number }).i + 1} are equal)`;
    case "format":
      return `'${String(error.data)}' is not a valid ${(error.params as { format: string }).format}`;
    default:
      return message;
  }
}
