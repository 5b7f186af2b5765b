import type { AggregateModel, DomainModel, EventRef, Model, ReactionModel } from "../model/model.js";
import { Flowchart } from "./mermaid.js";
import { eventKey, type RelationIndex } from "./relations.js";
import { applyText, conditionText, durationText, eventRefText, isExternal, reactionValueText } from "./text.js";

/**
 * The Mermaid flowcharts of the docs: each aggregate's flow (command → event → state, with
 * `when` guards and what drives it or follows from it: reactions, timers, views), a domain's
 * reactions and a domain's views.
 */

/** An aggregate: its commands, the events they record, what each event changes, and the reactions and views around it. */
export function aggregateFlow(model: Model, domain: DomainModel, aggregate: AggregateModel, relations: RelationIndex): string {
  const chart = new Flowchart("LR");
  const state = chart.node("state", aggregate.name, `${aggregate.name} state`);
  const eventNode = (ref: EventRef) =>
    isExternal(ref)
      ? chart.node("external", eventKey(ref), eventRefText(ref, domain.name), ref.event)
      : chart.node("event", eventKey(ref), ref.domain === domain.name && ref.aggregate === aggregate.name ? ref.event : eventRefText(ref, domain.name));
  const commandNode = (d: string, a: string, action: string) =>
    chart.node(
      "command",
      `${d}:${a}:${action}`,
      d === domain.name && a === aggregate.name ? action : d === domain.name ? `${a}:${action}` : `${d}:${a}:${action}`,
    );

  for (const action of aggregate.actions) {
    const command = commandNode(domain.name, aggregate.name, action.name);
    const guard = action.creates ? "creates" : action.when.length === 0 ? undefined : `when ${action.when.map(conditionText).join(" and ")}`;
    for (const event of action.emits) chart.edge(command, eventNode({ domain: domain.name, aggregate: aggregate.name, event }), guard);
  }
  for (const event of aggregate.events) {
    const node = eventNode({ domain: domain.name, aggregate: aggregate.name, event: event.name });
    chart.edge(node, state, event.apply === undefined ? "hand-written evolve" : event.apply.length === 0 ? undefined : event.apply.map(applyText).join("; "));
  }
  // What follows from this aggregate's events, and what drives its commands from elsewhere.
  const reactions: { domain: string; reaction: ReactionModel }[] = [];
  for (const d of model.domains) {
    for (const reaction of d.reactions) {
      const hears = reaction.on.domain === domain.name && reaction.on.aggregate === aggregate.name;
      const { effect } = reaction;
      const drives = effect.kind === "command" && effect.domain === domain.name && effect.aggregate === aggregate.name;
      if (hears || drives) reactions.push({ domain: d.name, reaction });
    }
  }
  for (const { domain: owner, reaction } of reactions) addReaction(chart, owner, domain.name, reaction, eventNode, commandNode);
  for (const event of aggregate.events) {
    const ref = { domain: domain.name, aggregate: aggregate.name, event: event.name };
    for (const { domain: owner, view } of relations(ref).views) {
      chart.edge(eventNode(ref), chart.node("view", `${owner}.${view.name}`, owner === domain.name ? view.name : `${owner}.${view.name}`), undefined, "dotted");
    }
  }
  return chart.toString();
}

/** Every reaction of a domain: the event it hears, the reaction (or timer), and the command it issues. */
export function reactionsFlow(domain: DomainModel): string | undefined {
  if (domain.reactions.length === 0) return undefined;
  const chart = new Flowchart("LR");
  const eventNode = (ref: EventRef) =>
    isExternal(ref)
      ? chart.node("external", eventKey(ref), eventRefText(ref, domain.name), ref.event)
      : chart.node("event", eventKey(ref), eventRefText(ref, domain.name));
  const commandNode = (d: string, a: string, action: string) =>
    chart.node("command", `${d}:${a}:${action}`, d === domain.name ? `${a}:${action}` : `${d}:${a}:${action}`);
  for (const reaction of domain.reactions) addReaction(chart, domain.name, domain.name, reaction, eventNode, commandNode);
  return chart.toString();
}

/** Every view of a domain and the events that feed it, each edge with what the event changes. */
export function viewsFlow(domain: DomainModel): string | undefined {
  if (domain.views.length === 0) return undefined;
  const chart = new Flowchart("LR");
  for (const view of domain.views) {
    const node = chart.node("view", view.name, view.handler ? `${view.name} (hand-written)` : view.async ? `${view.name} (async)` : view.name, view.name);
    for (const source of view.sources) {
      const event = chart.node("event", eventKey(source.on), eventRefText(source.on, domain.name));
      const where = source.where.length === 0 ? [] : [`where ${source.where.map(conditionText).join(" and ")}`];
      chart.edge(event, node, [...where, ...source.operations.map(applyText)].join("; "));
    }
  }
  return chart.toString();
}

/** event → reaction → effect, plus the events that cancel a timer. */
function addReaction(
  chart: Flowchart,
  owner: string,
  home: string,
  reaction: ReactionModel,
  eventNode: (ref: EventRef) => string,
  commandNode: (domain: string, aggregate: string, action: string) => string,
): void {
  const name = owner === home ? reaction.name : `${owner}.${reaction.name}`;
  const delay =
    reaction.delay === undefined
      ? undefined
      : reaction.delay.kind === "after"
        ? `after ${durationText(reaction.delay.milliseconds)}`
        : `at ${reactionValueText(reaction.delay.value)}`;
  const node = chart.node(delay === undefined ? "reaction" : "timer", `${owner}.${reaction.name}`, delay === undefined ? name : `${name} (${delay})`, name);
  const trigger = [
    ...(reaction.when.length === 0 ? [] : [`when ${reaction.when.map(conditionText).join(" and ")}`]),
    ...(reaction.forEach === undefined ? [] : [`for each ${reaction.forEach.join(".")}`]),
  ].join("; ");
  chart.edge(eventNode(reaction.on), node, trigger);
  for (const event of reaction.cancelledBy) chart.edge(eventNode({ ...reaction.on, event }), node, "cancels", "dotted");
  const { effect } = reaction;
  switch (effect.kind) {
    case "command": {
      const target =
        effect.target.kind === "new"
          ? "new stream"
          : effect.target.kind === "key"
            ? `key ${reactionValueText(effect.target.value)}`
            : `id ${reactionValueText(effect.target.id)}`;
      chart.edge(node, commandNode(effect.domain, effect.aggregate, effect.action), target);
      break;
    }
    case "notify":
      chart.edge(node, chart.node("outside", `notify.${effect.integration}`, effect.integration), "notify");
      break;
    case "handler":
      chart.edge(node, chart.node("outside", `handler.${owner}.${reaction.name}`, "hand-written reactor", `${name}_reactor`));
      break;
  }
}
