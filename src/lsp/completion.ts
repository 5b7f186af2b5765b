import { type CompletionItem, CompletionItemKind, type CompletionParams, MarkupKind } from "vscode-languageserver";
import { isMap, isScalar, parseDocument } from "yaml";
import { isConfigFile, uriToPath } from "./convert.js";
import { cursorContext } from "./cursor.js";
import { keysAt, schemaAt } from "./schema-nav.js";
import { PRIMITIVES } from "../model/types.js";
import type { SymbolIndex } from "./symbol-index.js";
import type { FileIndex } from "./symbols.js";
import type { Workspace } from "./workspace.js";

type Path = readonly (string | number)[];

const FIELD_MAPS = new Set(["state", "payload", "fields", "types", "data"]);
const META_VALUES = ["$meta.recordedAt", "$meta.actorId", "$meta.streamId"];
const EVENT_META = ["$event.streamId", "$event.id", "$event.recordedAt", "$event.actorId"];

export async function complete(workspace: Workspace, p: CompletionParams): Promise<CompletionItem[]> {
  const path = uriToPath(p.textDocument.uri);
  // fluvius.yaml has a schema of its own (schemas/config.schema.json); editors' YAML support reads it.
  if (path === undefined || isConfigFile(path)) return [];
  const { index } = await workspace.projectFor(path);
  const file = index.file(path);
  if (!file) return [];
  const names = new Names(index, file);
  const context = cursorContext(file.text, p.position.line, p.position.character);
  const items =
    context.kind === "key"
      ? withoutPresent(keyItems(context.mapPath, names), withoutLine(file.text, p.position.line), context.mapPath)
      : context.kind === "value"
        ? valueItems(context.valuePath, names)
        : [...valueItems(context.itemPath, names), ...keyItems(context.itemPath, names)];
  // Replace what was typed: `$`, `.` and `:` would otherwise split the word for the editor.
  const range = { start: { line: p.position.line, character: p.position.character - context.prefix.length }, end: p.position };
  return items.map(({ insertText, ...item }) => ({ ...item, filterText: item.label, textEdit: { range, newText: insertText ?? item.label } }));
}

/** A key the mapping already has is not offered again. */
function withoutPresent(items: CompletionItem[], text: string, mapPath: Path): CompletionItem[] {
  const map = parseDocument(text, { uniqueKeys: false, strict: false }).getIn(mapPath, true);
  if (!isMap(map)) return items;
  const present = new Set(map.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : [])));
  return items.filter((i) => !present.has(i.label));
}

/** The half-typed line would break the mapping it is in; the others tell what is there. */
function withoutLine(text: string, line: number): string {
  const lines = text.split("\n");
  lines[line] = "";
  return lines.join("\n");
}

/** The schema's keys, or the names the mapping is keyed by (state fields in `when`, …). */
function keyItems(mapPath: Path, names: Names): CompletionItem[] {
  // [root, name, section, ...]: e.g. ["aggregates", "account", "actions", "deposit", "when"], ["reactions", "welcome", "payload"].
  const [root, name, section, , part] = mapPath;
  if (root === "aggregates" && typeof name === "string") {
    if (section === "actions" && part === "when" && mapPath.length === 5) return names.stateFields(name);
    if (section === "events" && part === "apply" && mapPath.length === 6) return names.stateFields(name);
  }
  if (root === "policies" && mapPath[1] === "rules" && mapPath[3] === "where" && mapPath.length === 4) return names.whereFields(mapPath[2]);
  if (root === "reactions" && typeof name === "string" && section === "when" && mapPath.length === 3) return names.reactionData(name, (f) => f);
  if (root === "views" && section === "from" && mapPath.length === 3) return names.eventNames();
  if (root === "reactions" && typeof name === "string" && section === "payload" && mapPath.length === 3) return names.reactionInputs(name);
  return [...keysAt(mapPath)].map(([label, doc]) => ({
    label,
    kind: CompletionItemKind.Property,
    insertText: `${label}: `,
    ...(doc === undefined ? {} : { documentation: { kind: MarkupKind.Markdown, value: doc } }),
  }));
}

function valueItems(valuePath: Path, names: Names): CompletionItem[] {
  const [root, name, section, owner, part] = valuePath;
  const last = valuePath[valuePath.length - 1];
  const parent = valuePath[valuePath.length - 2];
  if (root === "aggregates" && typeof name === "string" && typeof owner === "string") {
    if (section === "actions" && part === "emits") return names.events(name);
    if (section === "events" && part === "apply" && valuePath.length >= 7)
      return [...names.payloadRefs(name, owner), ...names.plain(META_VALUES, CompletionItemKind.Constant)];
  }
  if (root === "policies" && valuePath[1] === "rules") {
    if (valuePath[3] === "role") return names.roles();
    if (valuePath[3] === "allow") return names.permissions();
  }
  if (root === "reactions" && typeof name === "string") {
    if (section === "on" && valuePath.length === 3) return names.eventNames();
    if (section === "do" && valuePath.length === 3) return names.actionNames();
    if ((section === "payload" && valuePath.length === 4) || (section === "id" && valuePath.length === 3) || (section === "forEach" && valuePath.length === 3))
      return [...names.reactionData(name, (f) => `$event.data.${f}`), ...names.plain(EVENT_META, CompletionItemKind.Constant)];
  }
  if (root === "views" && section === "from") {
    if (valuePath.length === 4 && typeof owner === "number") return names.eventNames();
    if (valuePath.length === 6 && typeof owner === "string") return names.viewSourceValues(owner);
  }
  if (last === "ref") return names.aggregates();
  const isTypePosition = last === "type" || (typeof parent === "string" && FIELD_MAPS.has(parent) && typeof last === "string");
  if (isTypePosition) return names.types();
  const enums = schemaAt(valuePath).flatMap((n) => n.enum ?? []);
  return names.plain([...new Set(enums.map(String))], CompletionItemKind.EnumMember);
}

/** The domain's names, as completion items. */
class Names {
  private readonly domain: string;
  constructor(
    private readonly index: SymbolIndex,
    private readonly file: FileIndex,
  ) {
    this.domain = file.domain ?? "";
  }

  plain(labels: readonly string[], kind: CompletionItemKind): CompletionItem[] {
    return labels.map((label) => ({ label, kind }));
  }

  private declared(kind: Parameters<SymbolIndex["declared"]>[1], item: CompletionItemKind, owner?: string): CompletionItem[] {
    return this.index.declared(this.domain, kind, owner).map((o) => ({ label: o.symbol.name, kind: item, ...(o.detail ? { detail: o.detail } : {}) }));
  }

  types(): CompletionItem[] {
    return [...this.plain(PRIMITIVES, CompletionItemKind.Keyword), ...this.declared("type", CompletionItemKind.Class)];
  }
  aggregates(): CompletionItem[] {
    return this.declared("aggregate", CompletionItemKind.Module);
  }
  events(aggregate: string): CompletionItem[] {
    return this.declared("event", CompletionItemKind.Event, aggregate);
  }
  stateFields(aggregate: string): CompletionItem[] {
    return this.declared("field", CompletionItemKind.Field, aggregate);
  }
  roles(): CompletionItem[] {
    return this.declared("role", CompletionItemKind.Value);
  }
  payloadRefs(aggregate: string, event: string): CompletionItem[] {
    return this.declared("payload", CompletionItemKind.Variable, `${aggregate}/${event}`).map((i) => ({ ...i, label: `$payload.${i.label}` }));
  }
  /** `where` compares state fields of the rule's aggregate (from `allow`); before `allow` is written, of every aggregate. */
  whereFields(rule: string | number | undefined): CompletionItem[] {
    const aggregate = typeof rule === "number" ? this.file.ruleAggregates[rule] : undefined;
    if (aggregate !== undefined) return this.stateFields(aggregate);
    return this.index.declared(this.domain, "aggregate").flatMap((a) => this.stateFields(a.symbol.name));
  }
  /** The data fields of the event a reaction listens to. */
  reactionData(reaction: string, label: (field: string) => string): CompletionItem[] {
    const on = this.file.reactionEvents.get(reaction);
    if (!on) return [];
    return this.index
      .declared(on.domain, "payload", `${on.aggregate}/${on.name}`)
      .map((o) => ({ label: label(o.symbol.name), kind: CompletionItemKind.Variable, ...(o.detail ? { detail: o.detail } : {}) }));
  }
  /** The payload fields of the action a reaction issues. */
  reactionInputs(reaction: string): CompletionItem[] {
    const target = this.file.reactionActions.get(reaction);
    return target
      ? this.index
          .declared(target.domain, "input", `${target.aggregate}/${target.name}`)
          .map((o) => ({ label: o.symbol.name, kind: CompletionItemKind.Field, ...(o.detail ? { detail: o.detail } : {}) }))
      : [];
  }
  /** What a view's update may read of its source event `<aggregate>.<event>`. */
  viewSourceValues(source: string): CompletionItem[] {
    const [aggregate = "", event = ""] = source.split(".");
    const data = this.declared("payload", CompletionItemKind.Variable, `${aggregate}/${event}`).map((i) => ({ ...i, label: `$event.data.${i.label}` }));
    const state = this.stateFields(aggregate).map((i) => ({ ...i, label: `$state.${i.label}` }));
    return [...data, ...state, ...this.plain([...EVENT_META, "$event.correlationId"], CompletionItemKind.Constant)];
  }
  eventNames(): CompletionItem[] {
    const externals = this.index.declared(this.domain, "external").map((o) => ({ label: `external.${o.symbol.name}`, kind: CompletionItemKind.Event }));
    return [
      ...externals,
      ...this.index.declared(this.domain, "aggregate").flatMap((a) => this.events(a.symbol.name).map((e) => ({ ...e, label: `${a.symbol.name}.${e.label}` }))),
    ];
  }
  actionNames(): CompletionItem[] {
    return this.index
      .declared(this.domain, "aggregate")
      .flatMap((a) =>
        this.index
          .declared(this.domain, "action", a.symbol.name)
          .map((x) => ({ label: `${a.symbol.name}:${x.symbol.name}`, kind: CompletionItemKind.Function })),
      );
  }
  permissions(): CompletionItem[] {
    const out: CompletionItem[] = [{ label: "*", kind: CompletionItemKind.Constant }];
    for (const a of this.index.declared(this.domain, "aggregate")) {
      const name = a.symbol.name;
      for (const suffix of ["*", "read", "history"]) out.push({ label: `${name}:${suffix}`, kind: CompletionItemKind.Constant });
      for (const action of this.index.declared(this.domain, "action", name))
        out.push({ label: `${name}:${action.symbol.name}`, kind: CompletionItemKind.Function });
    }
    return out;
  }
}
