import type { DomainModel, EventRef, Model, ReactionModel, ViewModel } from "../model/model.js";

/**
 * Who touches an event across the whole project: the actions that emit it, the reactions (of
 * any domain) that hear it and the views it feeds. The spec states each link once, at one end;
 * the docs show it at both.
 */
export interface EventRelations {
  readonly emittedBy: readonly string[];
  readonly reactions: readonly { readonly domain: string; readonly reaction: ReactionModel }[];
  readonly views: readonly { readonly domain: string; readonly view: ViewModel }[];
  /** Reactions whose timers events of this type cancel (`cancelledBy`). */
  readonly cancels: readonly { readonly domain: string; readonly reaction: ReactionModel }[];
}

export type RelationIndex = (ref: EventRef) => EventRelations;

export function eventKey(ref: EventRef): string {
  return `${ref.domain}.${ref.aggregate}.${ref.event}`;
}

export function relationIndex(model: Model): RelationIndex {
  const byKey = new Map<
    string,
    {
      emittedBy: string[];
      reactions: EventRelations["reactions"][number][];
      views: EventRelations["views"][number][];
      cancels: EventRelations["cancels"][number][];
    }
  >();
  const entry = (ref: EventRef) => {
    const key = eventKey(ref);
    let found = byKey.get(key);
    if (found === undefined) {
      found = { emittedBy: [], reactions: [], views: [], cancels: [] };
      byKey.set(key, found);
    }
    return found;
  };
  for (const domain of model.domains) {
    for (const aggregate of domain.aggregates) {
      for (const action of aggregate.actions) {
        for (const event of action.emits) entry({ domain: domain.name, aggregate: aggregate.name, event }).emittedBy.push(action.name);
      }
    }
    for (const reaction of domain.reactions) {
      entry(reaction.on).reactions.push({ domain: domain.name, reaction });
      // `cancelledBy` names later events of the same stream, so of the starting event's aggregate.
      for (const event of reaction.cancelledBy) entry({ ...reaction.on, event }).cancels.push({ domain: domain.name, reaction });
    }
    for (const view of domain.views) for (const source of view.sources) entry(source.on).views.push({ domain: domain.name, view });
  }
  const none: EventRelations = { emittedBy: [], reactions: [], views: [], cancels: [] };
  return (ref) => byKey.get(eventKey(ref)) ?? none;
}

/** How `domain` names a reaction or view of `owner`: its name, or `<owner>.<name>` from another domain. */
export function qualified(name: string, owner: string, domain: DomainModel | string): string {
  const home = typeof domain === "string" ? domain : domain.name;
  return owner === home ? name : `${owner}.${name}`;
}
