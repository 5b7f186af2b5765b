/**
 * Synthetic, valid and warning-free fluvius specs of any size, for benchmarks.
 *
 * Every aggregate has the same shape: state fields of mixed types, a first action that
 * `creates` it, and one event per action whose `apply` uses `set` and `add`. Aggregates
 * are spread evenly over domains (one per 100 aggregates by default) and each domain over
 * files of at most 50 aggregates. The output is deterministic: no randomness, no clocks.
 *
 * Library:  syntheticSpec({ aggregates: 1000 }).files
 * CLI:      npx tsx bench/synthetic-spec.ts --aggregates 1000 --out /tmp/synth
 *           [--actions 5] [--events 5] [--fields 8] [--domains 10]
 */
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export interface SyntheticSpecOptions {
  /** Number of aggregates, over all domains. */
  readonly aggregates: number;
  /** Actions per aggregate (default 5); the first one creates the aggregate. */
  readonly actions?: number;
  /** Events per aggregate (default 5); every one is emitted by some action. */
  readonly events?: number;
  /** State fields per aggregate (default 8), cycling through eight kinds of type. */
  readonly fields?: number;
  /** Number of domains (default: one per 100 aggregates). */
  readonly domains?: number;
}

export interface SyntheticFile {
  /** Relative, with forward slashes: `<domain>/part-<n>.yaml`. */
  readonly path: string;
  readonly content: string;
}

export interface SyntheticSpec {
  readonly files: SyntheticFile[];
}

/** Aggregates per file at most. */
export const AGGREGATES_PER_FILE = 50;
/** Aggregates per domain when `domains` is not given. */
export const AGGREGATES_PER_DOMAIN = 100;

const DEFAULTS = { actions: 5, events: 5, fields: 8 } as const;

type FieldKind = "string" | "integer" | "decimal" | "boolean" | "enum" | "uuid" | "datetime" | "strings";

interface FieldShape {
  /** Base name; a second field of the same kind gets a number: `title2`. */
  readonly name: string;
  /** Declaration of the state field. */
  readonly state: string;
  /** Declaration of the payload field that feeds it, if an event reads one. */
  readonly payload?: string;
  /** How a non-creating event changes it: an operation and a value (`$payload` for the payload field). */
  readonly change: { readonly operation: "set" | "add"; readonly value: string };
  /** Required without a default: the creating event must set it. */
  readonly setOnCreate?: "payload" | "recordedAt";
}

const STAGES = ["draft", "active", "suspended", "archived"] as const;

/** The eight kinds, in the order fields cycle through them. */
const FIELD_SHAPES: Readonly<Record<FieldKind, FieldShape>> = {
  string: {
    name: "title",
    state: "{ type: string, maxLength: 200 }",
    payload: "{ type: string, maxLength: 200 }",
    change: { operation: "set", value: "$payload" },
    setOnCreate: "payload",
  },
  integer: {
    name: "quantity",
    state: "{ type: integer, minimum: 0, default: 0 }",
    payload: "{ type: integer, minimum: 1 }",
    change: { operation: "add", value: "$payload" },
  },
  decimal: {
    name: "amount",
    state: '{ type: Money, default: "0.00" }',
    payload: "Money",
    change: { operation: "add", value: "$payload" },
  },
  boolean: {
    name: "flagged",
    state: "{ type: boolean, default: false }",
    payload: "boolean",
    change: { operation: "set", value: "$payload" },
  },
  enum: {
    name: "stage",
    state: `{ enum: [${STAGES.join(", ")}], default: draft }`,
    change: { operation: "set", value: "active" },
  },
  uuid: {
    name: "ownerId",
    state: "uuid",
    payload: "uuid",
    change: { operation: "set", value: "$payload" },
    setOnCreate: "payload",
  },
  datetime: {
    name: "reviewedAt",
    state: "datetime?",
    change: { operation: "set", value: "$meta.recordedAt" },
    setOnCreate: "recordedAt",
  },
  strings: {
    name: "labels",
    state: '{ type: "string[]", default: [] }',
    payload: '"string[]"',
    change: { operation: "set", value: "$payload" },
  },
};

const FIELD_KINDS: readonly FieldKind[] = ["string", "integer", "decimal", "boolean", "enum", "uuid", "datetime", "strings"];

const NOUNS = ["account", "invoice", "shipment", "ticket", "device", "booking", "contract", "parcel", "policy", "project"] as const;
const VERBS = ["revise", "adjust", "revalue", "flag", "relabel", "review", "assign", "approve"] as const;
const PAST = ["revised", "adjusted", "revalued", "flagged", "relabelled", "reviewed", "assigned", "approved"] as const;

interface Field {
  readonly name: string;
  readonly shape: FieldShape;
}

interface EventSpec {
  readonly name: string;
  /** Payload fields by name, in declaration order. */
  readonly payload: ReadonlyMap<string, string>;
  readonly set: readonly (readonly [string, string])[];
  readonly add: readonly (readonly [string, string])[];
}

interface ActionSpec {
  readonly name: string;
  readonly creates: boolean;
  readonly emits: readonly string[];
  readonly payload: ReadonlyMap<string, string>;
  readonly when?: string;
}

interface AggregateSpec {
  readonly name: string;
  readonly index: number;
  readonly fields: readonly Field[];
  readonly actions: readonly ActionSpec[];
  readonly events: readonly EventSpec[];
}

/** A valid, warning-free spec with `options.aggregates` aggregates; see the module comment. */
export function syntheticSpec(options: SyntheticSpecOptions): SyntheticSpec {
  const total = positiveInteger("aggregates", options.aggregates);
  const actions = positiveInteger("actions", options.actions ?? DEFAULTS.actions);
  const events = positiveInteger("events", options.events ?? DEFAULTS.events);
  const fields = positiveInteger("fields", options.fields ?? DEFAULTS.fields);
  const domainCount = positiveInteger("domains", options.domains ?? Math.ceil(total / AGGREGATES_PER_DOMAIN));
  if (domainCount > total) throw new RangeError(`domains (${domainCount}) cannot exceed aggregates (${total})`);

  const aggregateWidth = Math.max(4, String(total).length);
  const domainWidth = Math.max(2, String(domainCount).length);
  const files: SyntheticFile[] = [];
  let next = 1;
  for (let d = 0; d < domainCount; d++) {
    const size = Math.floor(total / domainCount) + (d < total % domainCount ? 1 : 0);
    const domain = `synth-${pad(d + 1, domainWidth)}`;
    const aggregates: AggregateSpec[] = [];
    for (let i = 0; i < size; i++, next++) aggregates.push(aggregate(next, aggregateWidth, { actions, events, fields }));
    const parts = Math.ceil(size / AGGREGATES_PER_FILE);
    const partWidth = Math.max(2, String(parts).length);
    for (let p = 0; p < parts; p++) {
      const chunk = aggregates.slice(p * AGGREGATES_PER_FILE, (p + 1) * AGGREGATES_PER_FILE);
      files.push({
        path: `${domain}/part-${pad(p + 1, partWidth)}.yaml`,
        content: renderFile({ domain, part: p + 1, parts, chunk, first: p === 0 ? aggregates : undefined, total }),
      });
    }
  }
  return { files };
}

function aggregate(index: number, width: number, counts: { actions: number; events: number; fields: number }): AggregateSpec {
  const name = `${at(NOUNS, (index - 1) % NOUNS.length)}-${pad(index, width)}`;
  const fields: Field[] = [];
  for (let j = 0; j < counts.fields; j++) {
    const shape = FIELD_SHAPES[at(FIELD_KINDS, j % FIELD_KINDS.length)];
    const round = Math.floor(j / FIELD_KINDS.length);
    fields.push({ name: round === 0 ? shape.name : `${shape.name}${round + 1}`, shape });
  }

  // Event 0 is the creating event; event i > 0 changes the fields j with j % (events - 1) === i - 1.
  const events: EventSpec[] = [];
  for (let i = 0; i < counts.events; i++) {
    if (i === 0) {
      events.push(creatingEvent(`${name}-created`, fields));
      continue;
    }
    let touched = fields.filter((_, j) => j % (counts.events - 1) === i - 1);
    if (touched.length === 0) touched = [at(fields, (i - 1) % fields.length)];
    events.push(changingEvent(`${name}-${numbered(PAST, i - 1)}`, touched));
  }

  // Action i emits event i; extra events go to the last action, extra actions reuse events.
  const emits: number[][] = [];
  for (let i = 0; i < counts.actions; i++) {
    if (i < counts.events) emits.push([i]);
    else emits.push([counts.events === 1 ? 0 : 1 + ((i - counts.events) % (counts.events - 1))]);
  }
  for (let e = counts.actions; e < counts.events; e++) at(emits, counts.actions - 1).push(e);

  const stage = fields.find((f) => f.shape === FIELD_SHAPES.enum);
  const actions: ActionSpec[] = emits.map((eventIndexes, i) => {
    const emitted = eventIndexes.map((e) => at(events, e));
    const payload = new Map<string, string>();
    for (const event of emitted) for (const [field, type] of event.payload) payload.set(field, type);
    return {
      name: i === 0 ? `create-${name}` : `${numbered(VERBS, i - 1)}-${name}`,
      creates: i === 0,
      emits: emitted.map((e) => e.name),
      payload,
      ...(i > 0 && stage ? { when: `{ ${stage.name}: [draft, active] }` } : {}),
    };
  });
  return { name, index, fields, actions, events };
}

function creatingEvent(name: string, fields: readonly Field[]): EventSpec {
  const payload = new Map<string, string>();
  const set: [string, string][] = [];
  for (const f of fields) {
    if (f.shape.setOnCreate === "payload" && f.shape.payload !== undefined) {
      payload.set(f.name, f.shape.payload);
      set.push([f.name, `$payload.${f.name}`]);
    } else if (f.shape.setOnCreate === "recordedAt") {
      set.push([f.name, "$meta.recordedAt"]);
    }
  }
  return { name, payload, set, add: [] };
}

function changingEvent(name: string, touched: readonly Field[]): EventSpec {
  const payload = new Map<string, string>();
  const set: [string, string][] = [];
  const add: [string, string][] = [];
  for (const f of touched) {
    let value = f.shape.change.value;
    if (value === "$payload" && f.shape.payload !== undefined) {
      payload.set(f.name, f.shape.payload);
      value = `$payload.${f.name}`;
    }
    (f.shape.change.operation === "add" ? add : set).push([f.name, value]);
  }
  return { name, payload, set, add };
}

interface FileInput {
  readonly domain: string;
  readonly part: number;
  readonly parts: number;
  readonly chunk: readonly AggregateSpec[];
  /** Every aggregate of the domain, on its first file only (which holds types and policies). */
  readonly first: readonly AggregateSpec[] | undefined;
  readonly total: number;
}

function renderFile(input: FileInput): string {
  const { domain, chunk, first } = input;
  const lines: string[] = [`# Synthetic fluvius spec (bench/synthetic-spec.ts): domain ${domain}, part ${input.part} of ${input.parts}.`, `domain: ${domain}`];
  if (first) {
    lines.push("revision: 1", `description: Synthetic benchmark domain with ${first.length} aggregate${first.length === 1 ? "" : "s"}`);
    if (first.some((a) => a.fields.some((f) => f.shape === FIELD_SHAPES.decimal))) {
      lines.push("", "types:", '  Money: { type: decimal, scale: 2, minimum: "0" }');
    }
  }
  lines.push("", "aggregates:");
  for (const a of chunk) renderAggregate(a, input.total, lines);
  if (first) renderPolicies(first, lines);
  return `${lines.join("\n")}\n`;
}

function renderAggregate(a: AggregateSpec, total: number, lines: string[]): void {
  lines.push(`  ${a.name}:`, `    description: Synthetic aggregate ${a.index} of ${total}`);
  if (a.index % 10 === 0) lines.push("    snapshotEvery: 100");
  lines.push("    state:");
  for (const f of a.fields) lines.push(`      ${f.name}: ${f.shape.state}`);
  lines.push("    actions:");
  for (const action of a.actions) {
    lines.push(`      ${action.name}:`);
    if (action.creates) lines.push("        creates: true");
    if (action.payload.size > 0) lines.push(`        payload: ${flowMap([...action.payload])}`);
    if (action.when !== undefined) lines.push(`        when: ${action.when}`);
    const [only] = action.emits;
    lines.push(`        emits: ${action.emits.length === 1 && only !== undefined ? only : `[${action.emits.join(", ")}]`}`);
  }
  lines.push("    events:");
  for (const event of a.events) {
    lines.push(`      ${event.name}:`);
    if (event.payload.size > 0) lines.push(`        payload: ${flowMap([...event.payload])}`);
    lines.push("        apply:");
    if (event.set.length > 0) lines.push(`          set: ${flowMap(event.set)}`);
    if (event.add.length > 0) lines.push(`          add: ${flowMap(event.add)}`);
  }
}

/** Four roles, each used by a rule; `where` on the owner field when the aggregates have one. */
function renderPolicies(aggregates: readonly AggregateSpec[], lines: string[]): void {
  const firstThree = aggregates.slice(0, 3);
  const [head] = aggregates;
  if (!head) return;
  const owner = head.fields.find((f) => f.shape === FIELD_SHAPES.uuid);
  const ownerActions = [`${head.name}:read`, ...head.actions.slice(1, 3).map((a) => `${head.name}:${a.name}`)];
  lines.push(
    "",
    "policies:",
    "  roles:",
    "    admin: { description: Full access }",
    "    operator: { description: Runs the day-to-day work }",
    "    auditor: { description: Reads state and history }",
    "    owner: { description: Works on their own records }",
    "  rules:",
    "    - role: admin",
    '      allow: ["*"]',
    "    - role: operator",
    `      allow: [${firstThree.map((a) => `${a.name}:*`).join(", ")}]`,
    "    - role: auditor",
    `      allow: [${firstThree.flatMap((a) => [`${a.name}:read`, `${a.name}:history`]).join(", ")}]`,
    "    - role: owner",
    `      allow: [${ownerActions.join(", ")}]`,
  );
  if (owner) lines.push(`      where: { ${owner.name}: $actor.id }`);
}

function flowMap(entries: readonly (readonly [string, string])[]): string {
  return `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(", ")} }`;
}

/** `list[i]`, then `list[i]-2`, `list[i]-3`… once the list is used up. */
function numbered(list: readonly string[], i: number): string {
  const round = Math.floor(i / list.length);
  const word = at(list, i % list.length);
  return round === 0 ? word : `${word}-${round + 1}`;
}

function at<T>(list: readonly T[], i: number): T {
  const value = list[i];
  if (value === undefined) throw new RangeError(`index ${i} out of range (${list.length})`);
  return value;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, not ${String(value)}`);
  return value;
}

// ─── CLI ───────────────────────────────────────────────────────────────────────

function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

function main(argv: readonly string[]): number {
  const usage = "usage: npx tsx bench/synthetic-spec.ts --aggregates <n> --out <dir> [--actions <n>] [--events <n>] [--fields <n>] [--domains <n>]";
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        aggregates: { type: "string" },
        actions: { type: "string" },
        events: { type: "string" },
        fields: { type: "string" },
        domains: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  if (values.help === true) {
    console.log(usage);
    return 0;
  }
  const number = (key: string): number | undefined => {
    const text = values[key];
    return typeof text === "string" ? Number(text) : undefined;
  };
  const aggregates = number("aggregates");
  const out = values.out;
  if (aggregates === undefined || typeof out !== "string") {
    console.error(usage);
    return 2;
  }
  const options: SyntheticSpecOptions = {
    aggregates,
    ...optional("actions", number("actions")),
    ...optional("events", number("events")),
    ...optional("fields", number("fields")),
    ...optional("domains", number("domains")),
  };
  let spec: SyntheticSpec;
  try {
    spec = syntheticSpec(options);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  let bytes = 0;
  for (const file of spec.files) {
    const target = path.join(out, ...file.path.split("/"));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    bytes += Buffer.byteLength(file.content);
  }
  const domains = new Set(spec.files.map((f) => f.path.split("/")[0])).size;
  console.log(`Wrote ${spec.files.length} files (${domains} domains, ${aggregates} aggregates, ${bytes} bytes) to ${out}`);
  return 0;
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

if (isMain()) process.exitCode = main(process.argv.slice(2));
