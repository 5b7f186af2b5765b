import type { LineCounter } from "yaml";

/** What a name in a spec can stand for. `field` is a state field; `payload` an event's data field; `input` an action's payload field. */
export type SymbolKind = "type" | "aggregate" | "action" | "event" | "external" | "field" | "role" | "payload" | "input";

export interface SpecSymbol {
  readonly kind: SymbolKind;
  readonly domain: string;
  readonly name: string;
  /** The aggregate (or `aggregate/event`, `aggregate/action` for payload fields) the name lives in. */
  readonly owner?: string;
}

/** One place a symbol is written: its declaration (a mapping key) or a reference to it. */
export interface Occurrence {
  readonly symbol: SpecSymbol;
  readonly key: string;
  readonly path: string;
  /** Offsets into the file's text; `end` exclusive. */
  readonly start: number;
  readonly end: number;
  readonly declaration: boolean;
  /** For a declaration: the source text of its value, shown on hover. */
  readonly detail?: string;
}

/** An event or action named with its aggregate, maybe of another domain of the project. */
export interface Qualified {
  readonly domain: string;
  readonly aggregate: string;
  readonly name: string;
}

export interface FileIndex {
  readonly path: string;
  readonly text: string;
  readonly lineCounter: LineCounter;
  readonly domain?: string;
  readonly occurrences: readonly Occurrence[];
  /** The aggregate of each policy rule (from its first permission), for `where` keys. */
  readonly ruleAggregates: readonly (string | undefined)[];
  /** The event each reaction listens to (`on:`), for `$event.data.`. */
  readonly reactionEvents: ReadonlyMap<string, Qualified>;
  /** The action each reaction issues (`do:`), for its `payload` keys. */
  readonly reactionActions: ReadonlyMap<string, Qualified>;
}

export function symbolKey(s: SpecSymbol): string {
  return `${s.domain}|${s.kind}|${s.owner ?? ""}|${s.name}`;
}
