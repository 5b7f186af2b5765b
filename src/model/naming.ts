/**
 * Case conversion for every name that crosses into TypeScript or SQL. The check stage uses
 * the same functions to find names that would collide, so what it accepts always generates.
 */
export function words(name: string): string[] {
  // Digits stay with the word before them: "line1" → ["line1"], "addressLine2" → ["address", "line2"].
  return name.match(/[A-Z]+(?![a-z])\d*|[A-Z]?[a-z]+\d*|\d+/g)?.map((w) => w.toLowerCase()) ?? [];
}

export function pascalCase(name: string): string {
  return words(name)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

export function camelCase(name: string): string {
  const p = pascalCase(name);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

export function snakeCase(name: string): string {
  return words(name).join("_");
}

/** "firmware-release" → "Firmware release": labels for UIs and docs. */
export function humanise(name: string): string {
  const s = words(name).join(" ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The pseudo-aggregate of a domain's external events: reactions hear them as
 * `external.<name>`, and the inbox records them under stream type `<domain>.external`.
 */
export const EXTERNAL_STREAM = "external";

/** JavaScript/TypeScript reserved words and names that break objects or classes. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "let",
  "static",
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
  "await",
  "async",
  "arguments",
  "eval",
  "undefined",
  "NaN",
  "Infinity",
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "valueOf",
]);

/** Global TypeScript types a named type would shadow in generated code. */
export const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set([
  "Array",
  "ArrayBuffer",
  "Awaited",
  "BigInt",
  "Boolean",
  "Date",
  "Error",
  "Exclude",
  "Extract",
  "Function",
  "Infinity",
  "Map",
  "NaN",
  "NonNullable",
  "Number",
  "Object",
  "Omit",
  "Parameters",
  "Partial",
  "Pick",
  "Promise",
  "Readonly",
  "ReadonlyArray",
  "Record",
  "RegExp",
  "Required",
  "ReturnType",
  "Set",
  "String",
  "Symbol",
  "WeakMap",
  "WeakSet",
  "JSON",
  "Math",
  "Uint8Array",
  "Actor",
  "Decimal",
  "JsonValue",
]);

/**
 * The TypeScript identifiers generated for a domain's parts. The generator names things
 * with these, and the name-collision rule checks them, so the two cannot drift apart.
 */
export const identifiers = {
  aggregate: (aggregate: string) => pascalCase(aggregate),
  state: (aggregate: string) => `${pascalCase(aggregate)}State`,
  eventUnion: (aggregate: string) => `${pascalCase(aggregate)}Event`,
  payloadMap: (aggregate: string) => `${pascalCase(aggregate)}Payloads`,
  payload: (action: string) => `${pascalCase(action)}Payload`,
  handlerType: (action: string) => `${pascalCase(action)}Handler`,
  event: (event: string) => `${pascalCase(event)}Event`,
  eventData: (event: string) => `${pascalCase(event)}Data`,
  evolverType: (event: string) => `${pascalCase(event)}Evolver`,
  upcasterType: (event: string) => `${pascalCase(event)}Upcaster`,
  /** One version step's typed upcaster and the data it reads, from the event lock: `WithdrawalMadeUpcasterV1`, `WithdrawalMadeDataV1`. */
  upcasterStepType: (event: string, fromVersion: number) => `${pascalCase(event)}UpcasterV${fromVersion}`,
  lockedEventData: (event: string, version: number) => `${pascalCase(event)}DataV${version}`,
  /** Hand-written functions: prefixed, so an action called `delete` is no problem. */
  handler: (action: string) => `handle${pascalCase(action)}`,
  evolver: (event: string) => `evolve${pascalCase(event)}`,
  upcaster: (event: string, fromVersion: number) => `upcast${pascalCase(event)}V${fromVersion}`,
  /** The aggregate's definition as the domain index imports it. */
  definitionAlias: (aggregate: string) => `${camelCase(aggregate)}Aggregate`,
  /** The union of every event of a domain (`<domain>/_messages.ts`, re-exported by its index). */
  domainEventUnion: (domain: string) => `${pascalCase(domain)}Event`,
  /** The union of every command of a domain, as reactions and subscribers issue them. */
  domainCommandUnion: (domain: string) => `${pascalCase(domain)}Command`,
  /** An external event as reactions read it (`<domain>/_external.ts`, re-exported by the index). */
  externalEvent: (name: string) => `${pascalCase(name)}ExternalEvent`,
  externalData: (name: string) => `${pascalCase(name)}ExternalData`,
  /** The signature of a `handler: true` reaction's hand-written reactor. */
  reactorType: (reaction: string) => `${pascalCase(reaction)}Reactor`,
  /**
   * The hand-written reactor of a `handler: true` reaction. A keyword, or `types` (the module's
   * import of the generated signatures), gets a suffix: `new` → `newReactor`.
   */
  reactor: (reaction: string) => {
    const name = camelCase(reaction);
    return RESERVED_WORDS.has(name) || name === "types" ? `${name}Reactor` : name;
  },
  /** A hand-written view's generated types: its row, key, change, projector input and projector signature. */
  viewRow: (view: string) => `${pascalCase(view)}Row`,
  viewKey: (view: string) => `${pascalCase(view)}Key`,
  viewChange: (view: string) => `${pascalCase(view)}Change`,
  viewInput: (view: string) => `${pascalCase(view)}Input`,
  projectorType: (view: string) => `${pascalCase(view)}Projector`,
  /** The hand-written projector of a `handler: true` view: `deal-pipeline` → `projectDealPipeline`. */
  projector: (view: string) => `project${pascalCase(view)}`,
  /** SQL names: a schema per domain, a table per aggregate, a column per state field (quoted anyway). */
  schema: (domain: string) => domain.replace(/-/g, "_"),
  table: (aggregate: string) => aggregate.replace(/-/g, "_"),
  column: (field: string) => snakeCase(field),
} as const;
