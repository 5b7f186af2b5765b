import type { IntegrationSpec } from "@fluvius/runtime/internal/runtime/integrations/spec";

/**
 * The shape of a spec file once it passed schemas/domain.schema.json. Keep these types in
 * step with the schema: the schema is the source of truth, these describe what it admits.
 */
export type ScalarValue = string | number | boolean | null;

/** A type expression such as `Money?` or `string[]`. */
export type TypeExpression = string;

export interface FieldObject {
  readonly type?: TypeExpression;
  readonly enum?: readonly string[];
  readonly fields?: FieldsSpec;
  readonly ref?: string;
  readonly array?: boolean;
  readonly optional?: boolean;
  readonly default?: unknown;
  readonly description?: string;
  readonly label?: string;
  readonly minimum?: number | string;
  readonly maximum?: number | string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly scale?: number;
  readonly pii?: boolean;
  readonly renamedFrom?: string;
  /** A state field no two streams of the aggregate may share within a tenant. */
  readonly unique?: boolean;
  /** A state or view field its table indexes (led by the tenant), for lists that filter or sort by it. */
  readonly index?: boolean;
  /** A payload `ref` the command checks: the referenced stream must exist in the tenant. */
  readonly checked?: boolean;
}

export type FieldSpec = TypeExpression | FieldObject;
export type FieldsSpec = Readonly<Record<string, FieldSpec>>;

export interface ActionSpec {
  readonly description?: string;
  readonly creates?: boolean;
  readonly payload?: FieldsSpec;
  readonly when?: Readonly<Record<string, ScalarValue | readonly ScalarValue[]>>;
  readonly emits: string | readonly string[];
}

export type ApplyMap = Readonly<Record<string, unknown>>;

export interface ApplySpec {
  readonly set?: ApplyMap;
  readonly add?: ApplyMap;
  readonly subtract?: ApplyMap;
  readonly push?: ApplyMap;
  readonly pull?: ApplyMap;
  readonly unset?: readonly string[];
}

export interface EventSpec {
  readonly description?: string;
  readonly version?: number;
  readonly payload?: FieldsSpec;
  readonly apply?: ApplySpec;
  readonly public?: boolean;
}

export interface AggregateSpec {
  readonly description?: string;
  readonly snapshotEvery?: number;
  /** `{ from: <payload field> }`: a natural key, the stream id derived from the creating payload. */
  readonly id?: { readonly from: string };
  /** Field combinations unique per tenant (`unique: [[a, b]]`). */
  readonly unique?: readonly (readonly string[])[];
  readonly state?: FieldsSpec;
  readonly actions?: Readonly<Record<string, ActionSpec>>;
  /** `null` when an event is declared with nothing under it. */
  readonly events?: Readonly<Record<string, EventSpec | null>>;
}

export interface RuleSpec {
  /** Exactly one of `role` and `reaction` (the check stage says so when not). */
  readonly role?: string;
  readonly reaction?: string;
  readonly description?: string;
  readonly allow: readonly string[];
  readonly where?: Readonly<Record<string, string | number | boolean>>;
}

export interface PoliciesSpec {
  readonly roles?: Readonly<Record<string, { readonly description?: string } | null>>;
  readonly rules?: readonly RuleSpec[];
}

export interface SpecFileContent {
  readonly domain: string;
  readonly revision?: number;
  readonly description?: string;
  readonly types?: FieldsSpec;
  readonly aggregates?: Readonly<Record<string, AggregateSpec>>;
  readonly reactions?: Readonly<Record<string, ReactionSpec>>;
  readonly external?: Readonly<Record<string, ExternalEventSpec>>;
  readonly views?: Readonly<Record<string, ViewSpec>>;
  readonly policies?: PoliciesSpec;
}

/** A read model fed by events (docs/views.md). */
export interface ViewSpec {
  readonly description?: string;
  /** Kept by a projection worker in the log's order, after the commit (docs/views.md "Asynchronous views"). */
  readonly async?: boolean;
  /** One value reference, several (a composite key), or a time bucket `{ day: $event.recordedAt }`. */
  readonly key: string | readonly string[] | Readonly<Partial<Record<TimeBucket, string>>>;
  readonly fields: FieldsSpec;
  /** A hand-written view: its projector (a generated stub) computes the rows' changes. */
  readonly handler?: boolean;
  /**
   * By event reference (`order.order-placed`): how the row of the event's key changes; a
   * hand-written view lists its events.
   */
  readonly from: Readonly<Record<string, ViewUpdateSpec>> | readonly string[];
}

export type TimeBucket = "hour" | "day" | "month";

export interface ViewUpdateSpec {
  readonly where?: ConditionSpec;
  readonly set?: ApplyMap;
  readonly add?: ApplyMap;
  readonly subtract?: ApplyMap;
  /** Append an element to an array field; `pull` removes every element equal to the value. */
  readonly push?: ApplyMap;
  readonly pull?: ApplyMap;
  readonly count?: readonly string[];
  readonly unset?: readonly string[];
}

/** An event of another service, read from a NATS subject (docs/integrations.md). */
export interface ExternalEventSpec {
  readonly description?: string;
  /** A `nats` integration of fluvius.yaml. */
  readonly from: string;
  readonly subject: string;
  readonly payload?: FieldsSpec;
}

export type ConditionSpec = Readonly<Record<string, ScalarValue | readonly ScalarValue[]>>;

export interface ReactionSpec {
  readonly description?: string;
  readonly on: string;
  readonly when?: ConditionSpec;
  readonly forEach?: string;
  readonly do?: string;
  readonly id?: string;
  /** The target by its natural key, instead of `id`. */
  readonly key?: string | number;
  readonly payload?: Readonly<Record<string, unknown>>;
  readonly after?: string;
  readonly at?: string;
  readonly cancelledBy?: readonly string[];
  readonly handler?: true;
  readonly notify?: string;
}

/** The runtime puts integrations to work and owns their shape; the config loader validates it. */
export type { IntegrationSpec };

/** fluvius.yaml `auth.oidc`: the browser login (docs/http.md). */
export interface OidcSpec {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecretEnv?: string;
  readonly publicUrl?: string;
  readonly scopes?: readonly string[];
  readonly afterLogin?: string;
  readonly afterLogout?: string;
}

export interface ConfigFileContent {
  readonly specs?: readonly string[];
  /** `fluvius breaking`'s findings accepted on purpose. */
  readonly breaking?: { readonly ignore?: readonly BreakingSuppression[] };
  readonly output?: { readonly generated?: string; readonly handlers?: string; readonly migrations?: string; readonly format?: "canonical" | "prettier" };
  readonly api?: { readonly basePath?: string };
  readonly auth?: {
    readonly idClaim?: string;
    readonly tenantClaim?: string;
    readonly rolesClaim?: string;
    readonly secretEnv?: string;
    readonly jwksUrl?: string;
    readonly issuer?: string;
    readonly audience?: string;
    readonly tenantNameClaim?: string;
    readonly cookie?: { readonly name?: string };
    readonly oidc?: OidcSpec;
  };
  readonly database?: { readonly urlEnv?: string; readonly embeddedPath?: string };
  readonly integrations?: Readonly<Record<string, IntegrationSpec>>;
}

export interface BreakingSuppression {
  readonly code: string;
  readonly subject: string;
  readonly reason: string;
}
