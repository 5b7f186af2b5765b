/**
 * A small writer of Mermaid flowcharts. Every label is quoted and escaped with Mermaid's entity
 * codes, so names with dashes, guards with quotes and `$payload.x` never end a label or start
 * markup; node ids are derived from the names (readable source) and made unique in the order
 * nodes are added, so the same model always gives the same text.
 */

export type NodeShape = "command" | "event" | "state" | "reaction" | "timer" | "view" | "external" | "outside";

/** Mermaid's opening and closing brackets for each kind of node. */
const SHAPES: Readonly<Record<NodeShape, readonly [string, string]>> = {
  command: ["[", "]"],
  event: ["([", "])"],
  state: ["[(", ")]"],
  reaction: ["{{", "}}"],
  timer: ["{{", "}}"],
  view: ["[/", "/]"],
  external: ["([", "])"],
  outside: ["[\\", "/]"],
};

const ID_PREFIX: Readonly<Record<NodeShape, string>> = {
  command: "cmd",
  event: "ev",
  state: "st",
  reaction: "rx",
  timer: "tm",
  view: "vw",
  external: "ext",
  outside: "out",
};

/** Colours by kind, the sticky-note colours of event storming. */
const CLASSES: Readonly<Record<NodeShape, string>> = {
  command: "fill:#a7c7f2,stroke:#2f5f9e,color:#111",
  event: "fill:#f7b267,stroke:#a25b12,color:#111",
  state: "fill:#f3f3a1,stroke:#8c8c2a,color:#111",
  reaction: "fill:#c9a7f2,stroke:#5e2f9e,color:#111",
  timer: "fill:#e3c9f7,stroke:#5e2f9e,color:#111,stroke-dasharray:4 3",
  view: "fill:#a7f2b8,stroke:#2f9e4b,color:#111",
  external: "fill:#f2a7a7,stroke:#9e2f2f,color:#111",
  outside: "fill:#dddddd,stroke:#666666,color:#111",
};

export type EdgeStyle = "solid" | "dotted";

export class Flowchart {
  private readonly ids = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly nodes: string[] = [];
  private readonly edges: string[] = [];
  private readonly kinds = new Map<NodeShape, string[]>();

  constructor(private readonly direction: "LR" | "TD" = "LR") {}

  /**
   * The node for `key` (added on first use, with `label`); the same key gives the same node.
   * Its id is made from `name` (default: the label), so the source stays readable.
   */
  node(kind: NodeShape, key: string, label: string, name: string = label): string {
    const known = this.ids.get(`${kind}\u0000${key}`);
    if (known !== undefined) return known;
    const id = this.freshId(`${ID_PREFIX[kind]}_${name}`);
    this.ids.set(`${kind}\u0000${key}`, id);
    const [open, close] = SHAPES[kind];
    this.nodes.push(`  ${id}${open}"${escapeLabel(label)}"${close}`);
    const ofKind = this.kinds.get(kind) ?? [];
    ofKind.push(id);
    this.kinds.set(kind, ofKind);
    return id;
  }

  edge(from: string, to: string, label?: string, style: EdgeStyle = "solid"): void {
    const arrow = style === "dotted" ? "-.->" : "-->";
    this.edges.push(label === undefined || label === "" ? `  ${from} ${arrow} ${to}` : `  ${from} ${arrow}|"${escapeLabel(label)}"| ${to}`);
  }

  get isEmpty(): boolean {
    return this.nodes.length === 0;
  }

  toString(): string {
    const used = (Object.keys(CLASSES) as NodeShape[]).filter((k) => this.kinds.has(k));
    return [
      `flowchart ${this.direction}`,
      ...this.nodes,
      ...this.edges,
      ...used.map((k) => `  classDef ${k} ${CLASSES[k]}`),
      ...used.map((k) => `  class ${(this.kinds.get(k) ?? []).join(",")} ${k}`),
    ].join("\n");
  }

  /** Letters, digits and `_` only (so no id is a keyword like `end` or holds an operator), unique. */
  private freshId(wanted: string): string {
    const base = wanted.replace(/[^A-Za-z0-9]+/g, "_").replace(/_+$/, "");
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}

/**
 * Text inside a quoted Mermaid label. Mermaid decodes `#name;` and `#code;` entities, and with
 * HTML labels reads `<`/`>` as markup: those characters, the quote that would end the label,
 * the `|` that ends an edge label and the backtick that starts a Markdown label are all written
 * as entity codes; a line break becomes a space.
 */
export function escapeLabel(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/[#"<>&|`]/g, (c) => `#${c.charCodeAt(0)};`);
}
