import type { Resource } from "../resources.js";

/**
 * `/_meta/{domain}:{action}/` and each entry of the domain's `commands`: Fluvius's command
 * metadata. `key` is the action's name (the key of the domain's `commands`), `genid` says the
 * server makes the id (`:new`), `urls` are relative to the API's base path, as a Fluvius client
 * joins them to its base URL: `meta` (this document) and `path` (the command, `{identifier}`
 * standing for the id). `resource` names the aggregate the action belongs to.
 */
export function commandMeta(resource: Resource, action: string) {
  const definition = resource.meta.definition.actions[action];
  if (!definition) throw new Error(`${resource.domain.name}.${resource.name} has no action ${action}.`);
  const meta = resource.meta.actions[action];
  const qualified = `${resource.domain.name}:${action}`;
  return {
    key: action,
    name: meta?.label ?? action,
    description: meta?.description ?? "",
    schema: definition.payloadSchema,
    urls: { meta: `/_meta/${qualified}/`, path: `/${qualified}/${resource.name}/${definition.creates ? ":new" : "{identifier}"}` },
    genid: definition.creates,
    resource: resource.name,
  };
}
