import { createRequire } from "node:module";

/** A JSON Schema node, as far as completion and hover read it. */
export interface SchemaNode {
  readonly $ref?: string;
  readonly description?: string;
  /** The description in Markdown (editors render it); what hovers show when present. */
  readonly markdownDescription?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly then?: SchemaNode;
  readonly else?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly allOf?: readonly SchemaNode[];
  readonly $defs?: Readonly<Record<string, SchemaNode>>;
}

// The same file editors get through `$schema`, shipped in the package.
const domainSchema = createRequire(import.meta.url)("../../schemas/domain.schema.json") as SchemaNode;

/** Every alternative a schema node stands for, with references followed. */
function alternatives(node: SchemaNode, root: SchemaNode = domainSchema, depth = 0): SchemaNode[] {
  if (depth > 20) return [];
  const out: SchemaNode[] = [node];
  const ref = node.$ref?.startsWith("#/$defs/") ? root.$defs?.[node.$ref.slice("#/$defs/".length)] : undefined;
  if (ref) out.push(...alternatives(ref, root, depth + 1));
  for (const sub of [node.then, node.else, ...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])])
    if (sub) out.push(...alternatives(sub, root, depth + 1));
  return out;
}

/** The schema nodes at a data path (mapping keys and sequence indexes). */
export function schemaAt(path: readonly (string | number)[]): SchemaNode[] {
  let current = alternatives(domainSchema);
  for (const segment of path) {
    const next: SchemaNode[] = [];
    for (const node of current) {
      if (typeof segment === "number") {
        if (node.items) next.push(...alternatives(node.items));
        continue;
      }
      const property = node.properties?.[segment];
      if (property) next.push(...alternatives(property));
      else if (typeof node.additionalProperties === "object") next.push(...alternatives(node.additionalProperties));
    }
    current = next;
  }
  return current;
}

/** The keys a mapping at `path` may have, with their descriptions. */
export function keysAt(path: readonly (string | number)[]): Map<string, string | undefined> {
  const keys = new Map<string, string | undefined>();
  for (const node of schemaAt(path))
    for (const [name, property] of Object.entries(node.properties ?? {}))
      if (!keys.has(name) || keys.get(name) === undefined) keys.set(name, describe(property));
  return keys;
}

/** The first description along a node's references (the property's own, else its definition's), in Markdown when the schema has it. */
export function describe(node: SchemaNode): string | undefined {
  const found = alternatives(node).find((n) => n.description !== undefined || n.markdownDescription !== undefined);
  return found?.markdownDescription ?? found?.description;
}

/** The documentation of the key at the end of `path`. */
export function describeKey(path: readonly (string | number)[]): string | undefined {
  const last = path[path.length - 1];
  if (last === undefined) return domainSchema.markdownDescription ?? domainSchema.description;
  for (const node of schemaAt(path.slice(0, -1))) {
    const property = typeof last === "string" ? node.properties?.[last] : undefined;
    if (property) return describe(property);
  }
  const [found] = schemaAt(path);
  return found && describe(found);
}

/** The `$defs` entry a kind of name must match, e.g. `typeName`; undefined when unknown. */
export function namePattern(def: string): { pattern: RegExp; description?: string; maxLength?: number } | undefined {
  const node = domainSchema.$defs?.[def] as (SchemaNode & { pattern?: string; maxLength?: number }) | undefined;
  if (node?.pattern === undefined) return undefined;
  return {
    pattern: new RegExp(node.pattern),
    ...(node.description === undefined ? {} : { description: node.description }),
    ...(node.maxLength === undefined ? {} : { maxLength: node.maxLength }),
  };
}
