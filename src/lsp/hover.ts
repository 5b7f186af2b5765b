import { type Hover, type HoverParams, MarkupKind } from "vscode-languageserver";
import { isMap, isNode, isScalar, isSeq, type Node, parseDocument } from "yaml";
import { PRIMITIVES } from "../model/types.js";
import { isConfigFile, uriToPath } from "./convert.js";
import { offsetOf, rangeOf, symbolAt } from "./navigate.js";
import { describeKey } from "./schema-nav.js";
import type { Occurrence } from "./symbols.js";
import type { Workspace } from "./workspace.js";

const KIND_NAMES = {
  type: "type",
  aggregate: "aggregate",
  action: "action",
  event: "event",
  external: "external event",
  field: "state field",
  role: "role",
  payload: "event payload field",
  input: "action payload field",
} as const;

/** Mappings whose values are field types. */
const TYPE_MAPS = new Set(["state", "payload", "fields", "types"]);

/** On a name: what it refers to and its declaration. On a key: the schema's documentation. */
export async function hover(workspace: Workspace, p: HoverParams): Promise<Hover | null> {
  const found = await symbolAt(workspace, p);
  if (found) {
    const [declaration] = found.index.declarations(found.occurrence.key);
    return { contents: { kind: MarkupKind.Markdown, value: describeSymbol(found.occurrence, declaration) }, range: rangeOf(found.index, found.occurrence) };
  }
  const path = uriToPath(p.textDocument.uri);
  const doc = path === undefined || isConfigFile(path) ? undefined : await workspace.document(path);
  if (!doc) return null;
  const text = doc.getText();
  const key = keyPathAt(parseDocument(text, { uniqueKeys: false, strict: false }).contents, offsetOf(text, p.position.line, p.position.character), []);
  const documentation = key && describeKey(key.path);
  if (!key || documentation === undefined) return null;
  // On `decimal`, `uuid[]`, `string?`: say it is a built-in type before what the key takes.
  const [parent, last] = key.path.slice(-2);
  const typePosition = last === "type" || TYPE_MAPS.has(String(parent));
  const primitive = /^([a-z]+)(\[\])?\??$/.exec(text.slice(key.start, key.end))?.[1];
  const builtin =
    typePosition && primitive !== undefined && (PRIMITIVES as readonly string[]).includes(primitive) ? `**built-in type** \`${primitive}\`\n\n` : "";
  return { contents: { kind: MarkupKind.Markdown, value: builtin + documentation }, range: { start: doc.positionAt(key.start), end: doc.positionAt(key.end) } };
}

function describeSymbol(o: Occurrence, declaration: Occurrence | undefined): string {
  const { kind, name, owner } = o.symbol;
  const [aggregate = "", inner = ""] = owner?.split("/") ?? [];
  const where =
    owner === undefined
      ? ""
      : kind === "payload" && aggregate === "external"
        ? ` of external event \`${inner}\``
        : kind === "payload"
          ? ` of event \`${inner}\` (aggregate \`${aggregate}\`)`
          : kind === "input"
            ? ` of action \`${inner}\` (aggregate \`${aggregate}\`)`
            : ` of aggregate \`${owner}\``;
  const head = `**${KIND_NAMES[kind]}** \`${name}\`${where}`;
  if (!declaration) return `${head}\n\nNot declared in this domain.`;
  return declaration.detail ? `${head}\n\n\`\`\`yaml\n${name}: ${declaration.detail}\n\`\`\`` : head;
}

/** The data path of the key (or scalar value) under the offset, with its offsets: a value is documented by its key. */
function keyPathAt(node: unknown, offset: number, path: (string | number)[]): { path: (string | number)[]; start: number; end: number } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key;
      if (isScalar(key) && key.range && key.range[0] <= offset && offset <= key.range[1])
        return { path: [...path, String(key.value)], start: key.range[0], end: key.range[1] };
      const value = pair.value;
      if (!isNode(value) || !contains(value, offset) || !isScalar(key)) continue;
      if (isScalar(value) && value.range) return { path: [...path, String(key.value)], start: value.range[0], end: value.range[1] };
      return keyPathAt(value, offset, [...path, String(key.value)]);
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      if (!isNode(item) || !contains(item, offset)) continue;
      if (isScalar(item) && item.range) return { path, start: item.range[0], end: item.range[1] };
      return keyPathAt(item, offset, [...path, i]);
    }
  }
  return undefined;
}

function contains(node: Node, offset: number): boolean {
  return node.range !== undefined && node.range !== null && node.range[0] <= offset && offset <= node.range[2];
}
