import type { DomainDefinition } from "../../runtime/domain.js";
import type { LiveSource } from "../../runtime/live/channels.js";
import { projectorName } from "../../runtime/views/projector.js";
import type { Resource } from "../resources.js";
import { wireItem } from "../rows.js";

/** What a live client can subscribe to: every aggregate (read through its service) and every view of the domains. */
export function liveSourcesOf(resources: readonly Resource[], domains: readonly DomainDefinition[]): Map<string, LiveSource> {
  const sources = new Map<string, LiveSource>();
  for (const resource of resources) {
    const name = `${resource.domain.name}.${resource.name}`;
    const permission = `${resource.name}:read`;
    sources.set(name, {
      kind: "aggregate",
      name,
      mayRead: (actor) => resource.domain.policy.mayAllow(actor, permission),
      read: async (actor, id, version) => {
        const item = await resource.service.getChanged(actor, id, version);
        return item === undefined ? undefined : wireItem(resource, item as Record<string, unknown>);
      },
    });
  }
  for (const domain of domains) {
    for (const view of domain.views ?? []) {
      const permission = `${view.name}:read`;
      sources.set(`${domain.name}.${view.name}`, {
        kind: "view",
        name: `${domain.name}.${view.name}`,
        fedBy: new Set(view.sources.map((s) => `${s.streamType}/${s.eventType}`)),
        mayRead: (actor) => domain.policy.mayAllow(actor, permission),
        ...(view.async === true ? { projector: projectorName(view) } : {}),
      });
    }
  }
  return sources;
}
