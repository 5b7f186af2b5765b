import { isMap, isScalar, isSeq, type Node, type Scalar } from "yaml";
import { locatedDocument } from "../parse/located-document.js";
import { type FileIndex, type Occurrence, type Qualified, type SpecSymbol, type SymbolKind, symbolKey } from "./symbols.js";

const NON_ACTIONS = new Set(["read", "history", "*"]);

interface Entry {
  readonly key: Scalar;
  readonly name: string;
  readonly value: Node | null;
}

function entries(node: unknown): Entry[] {
  if (!isMap(node)) return [];
  const out: Entry[] = [];
  for (const pair of node.items) {
    if (!isScalar(pair.key) || pair.key.value === null || pair.key.value === undefined) continue;
    out.push({ key: pair.key, name: String(pair.key.value), value: (pair.value as Node | null) ?? null });
  }
  return out;
}

function child(node: unknown, name: string): Node | null {
  return entries(node).find((e) => e.name === name)?.value ?? null;
}

function scalars(node: unknown): Scalar[] {
  if (isScalar(node)) return [node];
  if (isSeq(node)) return node.items.filter((i): i is Scalar => isScalar(i));
  return [];
}

/** Reads the symbols of one spec file; tolerant of errors, so it works on a half-typed buffer. */
export function indexFile(path: string, text: string): FileIndex {
  const { document: doc, lineCounter } = locatedDocument(text);
  const root = doc.contents;
  const domainNode = child(root, "domain");
  const domain = isScalar(domainNode) && typeof domainNode.value === "string" ? domainNode.value : "";
  const occurrences: Occurrence[] = [];

  const slice = (node: Node | null) => (node?.range ? text.slice(node.range[0], node.range[1]).trim() : "");
  // The text of a name inside a scalar: quotes shift it by one; escapes are not expected in names.
  const add = (symbol: SpecSymbol, scalar: Scalar, index: number, length: number, declaration = false, detail?: string) => {
    if (!scalar.range || length <= 0) return;
    const quoted = scalar.type === "QUOTE_DOUBLE" || scalar.type === "QUOTE_SINGLE" ? 1 : 0;
    const start = scalar.range[0] + quoted + index;
    occurrences.push({ symbol, key: symbolKey(symbol), path, start, end: start + length, declaration, ...(detail === undefined ? {} : { detail }) });
  };
  const declare = (kind: SymbolKind, e: Entry, owner?: string) =>
    add({ kind, domain, name: e.name, ...(owner === undefined ? {} : { owner }) }, e.key, 0, e.name.length, true, slice(e.value));

  const typeRef = (scalar: Scalar) => {
    if (typeof scalar.value !== "string") return;
    const name = /^[A-Za-z][A-Za-z0-9_]*/.exec(scalar.value)?.[0];
    if (name !== undefined && /^[A-Z]/.test(name)) add({ kind: "type", domain, name }, scalar, 0, name.length);
  };
  const fieldValue = (node: Node | null): void => {
    if (isScalar(node)) return typeRef(node);
    const type = child(node, "type");
    if (isScalar(type)) typeRef(type);
    const ref = child(node, "ref");
    if (isScalar(ref) && typeof ref.value === "string") add({ kind: "aggregate", domain, name: ref.value }, ref, 0, ref.value.length);
    for (const f of entries(child(node, "fields"))) fieldValue(f.value);
  };
  const fieldRef = (aggregate: string, e: Entry) => add({ kind: "field", domain, name: e.name, owner: aggregate }, e.key, 0, e.name.length);

  for (const t of entries(child(root, "types"))) {
    declare("type", t);
    fieldValue(t.value);
  }
  for (const a of entries(child(root, "aggregates"))) {
    declare("aggregate", a);
    // A natural key: `id: { from: <state field> }`.
    const from = child(child(a.value, "id"), "from");
    if (isScalar(from) && typeof from.value === "string") add({ kind: "field", domain, name: from.value, owner: a.name }, from, 0, from.value.length);
    for (const f of entries(child(a.value, "state"))) {
      declare("field", f, a.name);
      fieldValue(f.value);
    }
    for (const x of entries(child(a.value, "actions"))) {
      declare("action", x, a.name);
      for (const f of entries(child(x.value, "payload"))) {
        declare("input", f, `${a.name}/${x.name}`);
        fieldValue(f.value);
      }
      for (const w of entries(child(x.value, "when"))) fieldRef(a.name, w);
      for (const s of scalars(child(x.value, "emits")))
        if (typeof s.value === "string") add({ kind: "event", domain, name: s.value, owner: a.name }, s, 0, s.value.length);
    }
    for (const e of entries(child(a.value, "events"))) {
      declare("event", e, a.name);
      const owner = `${a.name}/${e.name}`;
      for (const f of entries(child(e.value, "payload"))) {
        declare("payload", f, owner);
        fieldValue(f.value);
      }
      for (const op of entries(child(e.value, "apply"))) {
        for (const target of entries(op.value)) {
          fieldRef(a.name, target);
          for (const v of scalars(target.value)) {
            const m = typeof v.value === "string" ? /^\$payload\.([A-Za-z_][A-Za-z0-9_]*)/.exec(v.value) : null;
            if (m?.[1] !== undefined) add({ kind: "payload", domain, name: m[1], owner }, v, "$payload.".length, m[1].length);
          }
        }
      }
    }
  }
  /**
   * `<aggregate><sep><name>` of this domain or `<domain><sep><aggregate><sep><name>` of another
   * (events `.`, commands `:`), with the aggregate and name written into the index.
   */
  const qualified = (scalar: Scalar, sep: string, kind: "event" | "action"): { domain: string; aggregate: string; name: string } | undefined => {
    if (typeof scalar.value !== "string") return undefined;
    const parts = scalar.value.split(sep);
    if (parts.length < 2 || parts.length > 3) return undefined;
    const [aggregate = "", name = ""] = parts.slice(-2);
    const target = parts.length === 3 ? (parts[0] ?? "") : domain;
    const at = scalar.value.length - aggregate.length - name.length - 1;
    // `external.<name>`: an event of another service; its data fields are owned by `external/<name>`.
    if (aggregate === "external") {
      if (kind === "event") add({ kind: "external", domain: target, name }, scalar, at + aggregate.length + 1, name.length);
      return kind === "event" ? { domain: target, aggregate, name } : undefined;
    }
    add({ kind: "aggregate", domain: target, name: aggregate }, scalar, at, aggregate.length);
    add({ kind, domain: target, name, owner: aggregate }, scalar, at + aggregate.length + 1, name.length);
    return { domain: target, aggregate, name };
  };
  const dataRef = (value: Scalar, d: string, owner: string) => {
    const data = typeof value.value === "string" ? /^\$event\.data\.([A-Za-z_][A-Za-z0-9_]*)/.exec(value.value)?.[1] : undefined;
    if (data !== undefined) add({ kind: "payload", domain: d, name: data, owner }, value, "$event.data.".length, data.length);
  };

  for (const x of entries(child(root, "external"))) {
    declare("external", x);
    for (const f of entries(child(x.value, "payload"))) {
      declare("payload", f, `external/${x.name}`);
      fieldValue(f.value);
    }
  }

  const reactionEvents = new Map<string, Qualified>();
  const reactionActions = new Map<string, Qualified>();
  for (const r of entries(child(root, "reactions"))) {
    const on = child(r.value, "on");
    const event = isScalar(on) ? qualified(on, ".", "event") : undefined;
    if (event) {
      reactionEvents.set(r.name, event);
      const owner = `${event.aggregate}/${event.name}`;
      for (const w of entries(child(r.value, "when"))) add({ kind: "payload", domain: event.domain, name: w.name, owner }, w.key, 0, w.name.length);
      const values = [child(r.value, "id"), child(r.value, "forEach"), ...entries(child(r.value, "payload")).map((e) => e.value)];
      for (const v of values.flatMap(scalars)) dataRef(v, event.domain, owner);
    }
    const target = child(r.value, "do");
    const action = isScalar(target) ? qualified(target, ":", "action") : undefined;
    if (action) {
      reactionActions.set(r.name, action);
      const owner = `${action.aggregate}/${action.name}`;
      for (const f of entries(child(r.value, "payload"))) add({ kind: "input", domain: action.domain, name: f.name, owner }, f.key, 0, f.name.length);
    }
  }
  // Views: `from` names events; their updates read `$event.data.` and `$state.`.
  for (const v of entries(child(root, "views"))) {
    const from = child(v.value, "from");
    const sources: { scalar: Scalar; update: Node | null }[] = isSeq(from)
      ? scalars(from).map((sc) => ({ scalar: sc, update: null }))
      : entries(from).map((e) => ({ scalar: e.key, update: e.value }));
    for (const source of sources) {
      const event = qualified(source.scalar, ".", "event");
      if (!event) continue;
      const owner = `${event.aggregate}/${event.name}`;
      for (const w of entries(child(source.update, "where"))) add({ kind: "payload", domain: event.domain, name: w.name, owner }, w.key, 0, w.name.length);
      for (const op of entries(source.update))
        for (const target of entries(op.value))
          for (const value of scalars(target.value)) {
            if (typeof value.value !== "string") continue;
            dataRef(value, event.domain, owner);
            const state = /^\$state\.([A-Za-z_][A-Za-z0-9_]*)/.exec(value.value)?.[1];
            if (state !== undefined) add({ kind: "field", domain: event.domain, name: state, owner: event.aggregate }, value, "$state.".length, state.length);
          }
    }
  }
  const ruleAggregates: (string | undefined)[] = [];
  const policies = child(root, "policies");
  for (const r of entries(child(policies, "roles"))) declare("role", r);
  const rules = child(policies, "rules");
  for (const rule of isSeq(rules) ? rules.items : []) {
    for (const s of scalars(child(rule, "role"))) if (typeof s.value === "string") add({ kind: "role", domain, name: s.value }, s, 0, s.value.length);
    let aggregate: string | undefined;
    for (const s of scalars(child(rule, "allow"))) {
      if (typeof s.value !== "string") continue;
      const [agg, action] = s.value.split(":");
      if (agg === undefined || agg === "*" || action === undefined) continue;
      aggregate ??= agg;
      add({ kind: "aggregate", domain, name: agg }, s, 0, agg.length);
      if (!NON_ACTIONS.has(action)) add({ kind: "action", domain, name: action, owner: agg }, s, agg.length + 1, action.length);
    }
    ruleAggregates.push(aggregate);
    if (aggregate !== undefined) for (const w of entries(child(rule, "where"))) fieldRef(aggregate, w);
  }
  return { path, text, lineCounter, ...(domain === "" ? {} : { domain }), occurrences, ruleAggregates, reactionEvents, reactionActions };
}
