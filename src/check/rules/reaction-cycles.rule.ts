import { splitCommandRef, splitEventRef } from "../../model/reaction-values.js";
import type { BoundDomain, Declaration } from "../bind.js";
import type { ProjectScope, Rule } from "../context.js";
import type { ReactionSpec } from "../../validate/spec.js";

/** A `do` reaction without a stop condition, as an edge from the event it hears to the events its action records. */
interface Edge {
  readonly id: string;
  readonly domain: BoundDomain;
  readonly reaction: Declaration<ReactionSpec>;
  readonly hears: string;
  readonly leadsTo: readonly string[];
}

const edgesOf = new WeakMap<ProjectScope, readonly Edge[]>();

/** Reactions whose commands record the events that trigger them again, with nothing to stop them (a warning). */
export const reactionCyclesRule: Rule = {
  name: "reaction-cycles",
  reads: "project",
  codes: ["reaction-cycle"],
  check(domain, context) {
    const edges = unconditionalEdges(context.project);
    for (const start of edges.filter((e) => e.domain === domain)) {
      const cycle = findCycle(start, edges);
      // Report each cycle once: at its first reaction in name order.
      if (!cycle || cycle.some((e) => e.id < start.id)) continue;
      const names = [start, ...cycle, start].map((e) => e.id).join(" → ");
      context.report("reaction-cycle", { cycle: names }, { file: start.reaction.file, path: start.reaction.path, part: "key" });
    }
  },
};

function unconditionalEdges(project: ProjectScope): readonly Edge[] {
  let edges = edgesOf.get(project);
  if (edges) return edges;
  const list: Edge[] = [];
  for (const domain of project.domains.values()) {
    for (const reaction of domain.reactions.values()) {
      const { spec } = reaction;
      if (spec.do === undefined || spec.when !== undefined || spec.cancelledBy !== undefined) continue;
      const on = splitEventRef(spec.on, domain.name);
      const target = splitCommandRef(spec.do, domain.name);
      const action = project.domains.get(target.domain)?.aggregates.get(target.aggregate)?.spec.actions?.[target.action];
      if (!action || (action.when !== undefined && Object.keys(action.when).length > 0)) continue;
      const emits = typeof action.emits === "string" ? [action.emits] : action.emits;
      list.push({
        id: `${domain.name}.${reaction.name}`,
        domain,
        reaction,
        hears: `${on.domain}.${on.aggregate}.${on.event}`,
        leadsTo: emits.map((e) => `${target.domain}.${target.aggregate}.${e}`),
      });
    }
  }
  edges = list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  edgesOf.set(project, edges);
  return edges;
}

/** The reactions after `start` on a path back to it (breadth first: the shortest), or undefined. */
function findCycle(start: Edge, edges: readonly Edge[]): Edge[] | undefined {
  const cameFrom = new Map<Edge, Edge | undefined>();
  const queue: Edge[] = [];
  const visit = (from: Edge | undefined, edges: readonly Edge[]) => {
    for (const e of edges) {
      if (cameFrom.has(e)) continue;
      cameFrom.set(e, from);
      queue.push(e);
    }
  };
  const next = (from: Edge) => edges.filter((e) => from.leadsTo.includes(e.hears));
  visit(undefined, next(start));
  for (let edge = queue.shift(); edge !== undefined; edge = queue.shift()) {
    if (edge === start) {
      const path: Edge[] = [];
      for (let e = cameFrom.get(start); e !== undefined; e = cameFrom.get(e)) path.unshift(e);
      return path;
    }
    visit(edge, next(edge));
  }
  return undefined;
}
