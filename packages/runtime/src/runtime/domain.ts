import type { AnyAggregateDefinition, ColumnKind, EventDefinition } from "./definition.js";
import { inboxDefinition, type ExternalEventDefinition } from "./integrations/external.js";
import type { ViewDefinition } from "./views/definition.js";
import type { Policy } from "./policy.js";
import type { AnyReactionDefinition } from "./reactions/definition.js";

/**
 * A domain as generated code describes it: its aggregates with the metadata an API needs
 * (labels, descriptions, field kinds), and its policy. Plain data; nothing here runs.
 */
export interface FieldMeta {
  readonly name: string;
  readonly label: string;
  readonly description?: string;
  readonly kind: ColumnKind;
  /** Allowed values of an enum field. */
  readonly values?: readonly string[];
  readonly optional: boolean;
  /** Personal data. */
  readonly pii?: boolean;
}

export interface ActionMeta {
  readonly label: string;
  readonly description?: string;
}

export interface AggregateMeta {
  readonly definition: AnyAggregateDefinition;
  readonly title: string;
  readonly description?: string;
  /** State fields, in spec order. */
  readonly fields: readonly FieldMeta[];
  /** By action name. */
  readonly actions: Readonly<Record<string, ActionMeta>>;
}

export interface DomainDefinition {
  readonly name: string;
  readonly revision: number;
  readonly description?: string;
  readonly policy: Policy;
  readonly aggregates: readonly AggregateMeta[];
  /** What reacts to events (run by `fluvius serve` / `fluvius worker`); none when absent. */
  readonly reactions?: readonly AnyReactionDefinition[];
  /** Events of other services the domain hears, read from a broker into its inbox; none when absent. */
  readonly externals?: readonly ExternalEventDefinition[];
  /** Read models fed by events; every command that records one of their events changes them. */
  readonly views?: readonly ViewDefinition[];
}

/** Every view of the domains: what each aggregate service needs (ServiceOptions.views), whichever domain the view is in. */
export function viewsOf(domains: readonly DomainDefinition[]): ViewDefinition[] {
  return domains.flatMap((d) => d.views ?? []);
}

/** What reading a stored event of some stream type needs: its domain, aggregate and event definitions. */
export interface StreamDefinition {
  readonly domain: string;
  readonly aggregate: string;
  readonly events: Readonly<Record<string, EventDefinition>>;
}

/** Every stream type the domains' events are stored under: each aggregate's, and each domain's inbox of external events. */
export function streamDefinitionsOf(domains: readonly DomainDefinition[]): StreamDefinition[] {
  return domains.flatMap((d) => [
    ...d.aggregates.map((a): StreamDefinition => a.definition),
    ...(d.externals !== undefined && d.externals.length > 0 ? [inboxDefinition(d.name, d.externals)] : []),
  ]);
}

/** Identity, for inference and a single place to document the shape. */
export function defineDomain(domain: DomainDefinition): DomainDefinition {
  return domain;
}
