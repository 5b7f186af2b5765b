import { didYouMean } from "../diagnostics/suggest.js";
import { splitCommandRef, splitEventRef } from "../model/reaction-values.js";
import { EXTERNAL_STREAM } from "../model/naming.js";
import type { ActionSpec, AggregateSpec, FieldsSpec, ReactionSpec } from "../validate/spec.js";
import type { BoundDomain, Declaration } from "./bind.js";
import type { CheckContext, Site } from "./context.js";

export interface ResolvedEvent {
  readonly domain: BoundDomain;
  /** The aggregate's name, or `external` for an external event. */
  readonly aggregate: string;
  readonly event: string;
  readonly payload: FieldsSpec | undefined;
  /** The events a stream of the aggregate may hold (what `cancelledBy` may name); none for an external event, a stream of its own. */
  readonly streamEvents: readonly string[];
  readonly external: boolean;
}

export interface ResolvedCommand {
  readonly domain: BoundDomain;
  readonly aggregate: Declaration<AggregateSpec>;
  readonly action: string;
  readonly spec: ActionSpec;
}

type Report = CheckContext["report"] | undefined;

function findDomain(name: string, context: CheckContext, report: Report, at: Site): BoundDomain | undefined {
  const domain = context.project.domains.get(name);
  if (!domain) report?.("unknown-domain", { name, suggestion: didYouMean(name, context.project.domains.keys()) }, at);
  return domain;
}

function findAggregate(domain: BoundDomain, name: string, report: Report, at: Site): Declaration<AggregateSpec> | undefined {
  const aggregate = domain.aggregates.get(name);
  if (!aggregate) report?.("unknown-aggregate", { name, suggestion: didYouMean(name, domain.aggregates.keys()) }, at);
  return aggregate;
}

/** The event a reaction listens to; reports (when `report` is given) what does not exist. */
export function resolveReactionSource(
  home: BoundDomain,
  reaction: Declaration<ReactionSpec>,
  context: CheckContext,
  report: Report,
): ResolvedEvent | undefined {
  const at = { file: reaction.file, path: [...reaction.path, "on"] };
  const ref = splitEventRef(reaction.spec.on, home.name);
  const domain = findDomain(ref.domain, context, report, at);
  if (domain && ref.aggregate === EXTERNAL_STREAM) {
    const external = domain.externals.get(ref.event);
    if (!external) {
      report?.(
        "unknown-reaction-event",
        {
          reaction: reaction.name,
          relation: "listens to",
          event: ref.event,
          owner: `an external event of domain '${domain.name}'`,
          suggestion: didYouMean(ref.event, domain.externals.keys()),
        },
        at,
      );
      return undefined;
    }
    return { domain, aggregate: EXTERNAL_STREAM, event: ref.event, payload: external.spec.payload, streamEvents: [], external: true };
  }
  const aggregate = domain && findAggregate(domain, ref.aggregate, report, at);
  if (!domain || !aggregate) return undefined;
  const events = aggregate.spec.events ?? {};
  if (!Object.hasOwn(events, ref.event)) {
    report?.(
      "unknown-reaction-event",
      {
        reaction: reaction.name,
        relation: "listens to",
        event: ref.event,
        owner: `an event of aggregate '${aggregate.name}'`,
        suggestion: didYouMean(ref.event, Object.keys(events)),
      },
      at,
    );
    return undefined;
  }
  return { domain, aggregate: aggregate.name, event: ref.event, payload: events[ref.event]?.payload, streamEvents: Object.keys(events), external: false };
}

/** The action a `do` reaction issues; reports (when `report` is given) what does not exist. */
export function resolveReactionCommand(
  home: BoundDomain,
  reaction: Declaration<ReactionSpec>,
  text: string,
  context: CheckContext,
  report: Report,
): ResolvedCommand | undefined {
  const at = { file: reaction.file, path: [...reaction.path, "do"] };
  const ref = splitCommandRef(text, home.name);
  const domain = findDomain(ref.domain, context, report, at);
  const aggregate = domain && findAggregate(domain, ref.aggregate, report, at);
  if (!domain || !aggregate) return undefined;
  const actions = aggregate.spec.actions ?? {};
  const spec = Object.hasOwn(actions, ref.action) ? actions[ref.action] : undefined;
  if (!spec) {
    report?.("unknown-action", { aggregate: aggregate.name, action: ref.action, suggestion: didYouMean(ref.action, Object.keys(actions)) }, at);
    return undefined;
  }
  return { domain, aggregate, action: ref.action, spec };
}
