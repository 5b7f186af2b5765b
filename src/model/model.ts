import type { SourceRange } from "../diagnostics/diagnostic.js";
import type { FieldInfo, ValueType } from "./types.js";

/**
 * The lowered model: what the specs mean, with every name resolved and every default
 * filled in. Readonly, kind-tagged and plain data (JSON-serialisable), so two revisions
 * can be compared later (`fluvius breaking`). Emitters, migrations, docs and `breaking` read
 * only this, never the YAML: nodes carry their `site` for diagnostics, and json.ts writes and
 * reads the model as JSON.
 */
export interface Model {
  readonly kind: "model";
  readonly domains: readonly DomainModel[];
}

/**
 * Where a node is declared in the specs: ranges as diagnostics carry them (the file's display
 * path, 1-based line and column). Lowering computes them on first read (model/site.ts); as
 * JSON, and read back from it, they are plain data with no reference to the parsed file.
 */
export interface Site {
  /** The declaration: a mapping entry's key, a list item itself. */
  readonly range: SourceRange;
  /**
   * Where a diagnostic about something no longer declared in the node points: its body when
   * that is a mapping, else `range` again.
   */
  readonly inner: SourceRange;
}

export interface DomainModel {
  readonly kind: "domain";
  readonly name: string;
  /** `range`: the `domain:` name in the domain's first file; `inner`: that file's document. */
  readonly site: Site;
  readonly revision: number;
  readonly description?: string;
  readonly types: readonly NamedTypeModel[];
  readonly aggregates: readonly AggregateModel[];
  readonly roles: readonly RoleModel[];
  readonly rules: readonly RuleModel[];
  readonly reactions: readonly ReactionModel[];
  /** Events of other services the domain hears, read from a broker into its inbox. */
  readonly externals: readonly ExternalEventModel[];
  /** Read models fed by events, one row per key. */
  readonly views: readonly ViewModel[];
  /** Policy rules for reactions' system actors (`{ reaction: <name>, allow: [...] }`). */
  readonly reactionRules: readonly ReactionRuleModel[];
  /**
   * A hash of the domain's spec files: changes whenever anything in them does (a comment too).
   * Only a cache key, to skip rendering what cannot have changed; never written into output.
   */
  readonly specHash: string;
}

export interface NamedTypeModel {
  readonly kind: "named-type";
  readonly name: string;
  readonly site: Site;
  readonly type: ValueType;
  readonly optional: boolean;
  readonly description?: string;
}

export type FieldModel = FieldInfo;

/** A field written in a spec's own mapping (state, a payload), with its site. */
export interface DeclaredFieldModel extends FieldModel {
  readonly site: Site;
}

/** The sections an aggregate writes (`state:`, `events:`, `actions:`), absent when not written. */
export interface AggregateSections {
  readonly state?: Site;
  readonly events?: Site;
  readonly actions?: Site;
}

export interface AggregateModel {
  readonly kind: "aggregate";
  readonly name: string;
  readonly site: Site;
  readonly sections: AggregateSections;
  readonly description?: string;
  readonly snapshotEvery?: number;
  readonly state: readonly DeclaredFieldModel[];
  readonly actions: readonly ActionModel[];
  readonly events: readonly EventModel[];
  /** State field sets no two streams may share per tenant: `unique: true` fields (state order), then `unique: [[…]]`. */
  readonly unique: readonly UniqueModel[];
  /** `id: { from }`: the stream id is the UUID v5 of (domain, aggregate, this creating-payload field). */
  readonly naturalKey?: NaturalKeyModel;
  /** A hash of what evolving the state depends on (state, events, apply): the spec's part of the snapshot key (runtime/snapshot-key.ts). */
  readonly evolveHash: string;
  /** A hash of the whole aggregate: what its generated module and stubs are made from. */
  readonly modelHash: string;
}

export interface ActionModel {
  readonly kind: "action";
  readonly name: string;
  readonly site: Site;
  /** The `payload:` mapping, when written. */
  readonly payloadSite?: Site;
  readonly description?: string;
  readonly creates: boolean;
  readonly payload: readonly DeclaredFieldModel[];
  readonly when: readonly WhenCondition[];
  readonly emits: readonly string[];
  /** Payload refs the command checks exist in the tenant before deciding (`checked: true`). */
  readonly checkedRefs: readonly CheckedRefModel[];
}

export interface UniqueModel {
  readonly kind: "unique";
  readonly fields: readonly string[];
}

export interface NaturalKeyModel {
  readonly kind: "natural-key";
  /** The payload field of every creating action (and, usually, a state field set from it). */
  readonly field: string;
}

export interface CheckedRefModel {
  readonly kind: "checked-ref";
  readonly field: string;
  /** An aggregate of the same domain. */
  readonly aggregate: string;
  /** An array of refs: every element is checked. */
  readonly array: boolean;
}

export interface WhenCondition {
  readonly field: string;
  /** The state field must equal one of these. */
  readonly values: readonly (string | number | boolean | null)[];
}

export interface EventModel {
  readonly kind: "event";
  readonly name: string;
  readonly site: Site;
  /** The `payload:` mapping, when written. */
  readonly payloadSite?: Site;
  readonly description?: string;
  readonly version: number;
  readonly payload: readonly DeclaredFieldModel[];
  /** undefined: the event has no `apply`, its evolve step is hand-written. */
  readonly apply?: readonly ApplyOperation[];
  /** Published to the broker for other services; events are internal by default. */
  readonly public: boolean;
}

export type ApplyOperation =
  | { readonly kind: "set" | "add" | "subtract" | "push" | "pull"; readonly field: string; readonly value: ValueSource }
  | { readonly kind: "unset"; readonly field: string };

export type ValueSource =
  | { readonly kind: "literal"; readonly value: unknown }
  | { readonly kind: "payload"; readonly field: string }
  | { readonly kind: "meta"; readonly name: "recordedAt" | "actorId" };

export interface RoleModel {
  readonly kind: "role";
  readonly name: string;
  readonly site: Site;
  readonly description?: string;
}

export interface RuleModel {
  readonly kind: "rule";
  readonly role: string;
  /** The rule, an item of `policies.rules`. */
  readonly site: Site;
  readonly description?: string;
  /** Permissions as written: "account:deposit", "account:*", "*". */
  readonly allow: readonly string[];
  /** Where each permission of `allow` is written, in its order. */
  readonly allowSites: readonly Site[];
  readonly where: readonly WhereCondition[];
}

export interface WhereCondition {
  readonly field: string;
  readonly value: { readonly kind: "literal"; readonly value: string | number | boolean } | { readonly kind: "actor"; readonly attribute: string };
}

export interface ReactionRuleModel {
  readonly kind: "reaction-rule";
  /** The reaction whose commands are allowed, written `<name>` (of this domain) or `<domain>.<name>`. */
  readonly reaction: { readonly domain: string; readonly name: string };
  readonly site: Site;
  readonly description?: string;
  readonly allow: readonly string[];
}

/** An event of the project, named in full; `aggregate` is EXTERNAL_STREAM (naming.ts) for an external event. */
export interface EventRef {
  readonly domain: string;
  readonly aggregate: string;
  readonly event: string;
}

/** An event another service publishes on a NATS subject; recorded in the domain's inbox (stream type `<domain>.external`). */
export interface ExternalEventModel {
  readonly kind: "external-event";
  readonly name: string;
  readonly site: Site;
  readonly description?: string;
  /** The `nats` integration of fluvius.yaml it is read from. */
  readonly integration: string;
  /** May hold the wildcards `*` and `>`. */
  readonly subject: string;
  readonly payload: readonly FieldModel[];
}

/**
 * A value a reaction reads, parsed once from `$event.…`, `$item…` or a literal:
 * `event-data` and `item` carry a path through the event's data (empty: the item itself).
 */
export type ReactionValue =
  | { readonly kind: "literal"; readonly value: unknown }
  | { readonly kind: "event-data"; readonly path: readonly string[] }
  | { readonly kind: "event-meta"; readonly name: EventMetaName }
  | { readonly kind: "item"; readonly path: readonly string[] };

export type EventMetaName = "id" | "streamId" | "recordedAt" | "actorId" | "correlationId";

/** When an event happens, do something: issue a command, run a reactor, notify outside. */
export interface ReactionModel {
  readonly kind: "reaction";
  readonly name: string;
  readonly site: Site;
  readonly description?: string;
  readonly on: EventRef;
  /** Every condition must hold for the reaction to act on an event. */
  readonly when: readonly ReactionCondition[];
  /** One command per element of this array of the event's data. */
  readonly forEach?: readonly string[];
  readonly delay?: { readonly kind: "after"; readonly milliseconds: number } | { readonly kind: "at"; readonly value: ReactionValue };
  /** Events of the same stream that cancel a waiting reaction. */
  readonly cancelledBy: readonly string[];
  readonly effect: ReactionEffect;
}

export interface ReactionCondition {
  /** A field of the event's data. */
  readonly field: string;
  readonly values: readonly (string | number | boolean | null)[];
}

export type ReactionEffect =
  | {
      readonly kind: "command";
      readonly domain: string;
      readonly aggregate: string;
      readonly action: string;
      /** `new`: a stream id derived from (reaction, event, index), so a redelivery creates nothing twice. */
      readonly target:
        | { readonly kind: "new" }
        | { readonly kind: "stream"; readonly id: ReactionValue }
        /** `key:`: the stream whose natural key (`id: { from }` of the target) has this value. */
        | { readonly kind: "key"; readonly value: ReactionValue };
      readonly payload: readonly { readonly field: string; readonly value: ReactionValue }[];
    }
  | { readonly kind: "handler" }
  | { readonly kind: "notify"; readonly integration: string };

/** A read model fed by events of the project's aggregates: a row per key, changed by each event it lists. */
export interface ViewModel {
  readonly kind: "view";
  readonly name: string;
  readonly site: Site;
  readonly description?: string;
  /** Kept by a projection worker after the commit, in the log's order (`async: true`, and every hand-written view). */
  readonly async: boolean;
  /** Hand-written (`handler: true`): a projector in the handlers folder computes the changes; its sources have no operations. */
  readonly handler: boolean;
  /** The key's parts, in order: each a column of the row. */
  readonly key: readonly ViewKeyPart[];
  readonly fields: readonly FieldModel[];
  readonly sources: readonly ViewSourceModel[];
}

/** One part of a view's key: a value of the event or of the source's state, or a time bucket of a datetime. */
export interface ViewKeyPart {
  /** The row's field (and, snake_cased, its column): the referenced field's name, or the bucket's unit. */
  readonly name: string;
  /** Absent for a hand-written view: its projector computes the key. */
  readonly value?: ViewValue;
  readonly type: ValueType;
  readonly bucket?: "hour" | "day" | "month";
}

/** A reaction value, or `$state.<path>`: the source stream's state after the event. */
export type ViewValue = ReactionValue | { readonly kind: "state"; readonly path: readonly string[] };

export interface ViewSourceModel {
  readonly on: EventRef;
  /** Every condition must hold for the event to change its row. */
  readonly where: readonly ReactionCondition[];
  readonly operations: readonly ViewOperation[];
}

export type ViewOperation =
  | { readonly kind: "set" | "add" | "subtract" | "push" | "pull"; readonly field: string; readonly value: ViewValue }
  | { readonly kind: "count" | "unset"; readonly field: string };
