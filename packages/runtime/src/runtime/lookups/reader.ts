import { assertTenant, isUuid } from "../actor.js";
import { stateOf } from "../command/fold.js";
import { streamTypeOf, type AnyAggregateDefinition } from "../definition.js";
import type { DomainDefinition } from "../domain.js";
import type { AccessFilter } from "../policy.js";
import { LookupSetupError } from "../errors.js";
import { itemOf, type Item } from "../read-model.js";
import type { EventStore, TenantStore } from "../store/types.js";
import { readViewRow } from "../store/view-rows.js";
import type { ViewDefinition } from "../views/definition.js";
import { snapshotKey } from "../snapshot-key.js";
import { keyId, viewKeyValues } from "./keys.js";
import type { LookupSource, Lookups } from "./types.js";

/** Lookups read within the command's tenant, without the read policy (docs/runtime.md, "Lookups"). */
const TENANT_WIDE: AccessFilter = { kind: "all" };

/**
 * Handlers' lookups on the store (docs/runtime.md, "Lookups"): by domain and tenant, without
 * the actor's read policy (the server reads on the handler's behalf to enforce a rule; what it
 * reads reaches the caller only through the events the handler decides), never another tenant.
 */
export function createLookups(store: EventStore, domains: readonly DomainDefinition[]): LookupSource {
  const aggregates = new Map<string, AnyAggregateDefinition>();
  const views = new Map<string, ViewDefinition>();
  for (const domain of domains) {
    for (const { definition } of domain.aggregates) aggregates.set(`${domain.name}.${definition.aggregate}`, definition);
    for (const view of domain.views ?? []) views.set(`${domain.name}.${view.name}`, view);
  }
  return (domain, tenant) => {
    assertTenant(tenant);
    // Made on the first lookup: most commands' handlers make none.
    let tenantStore: TenantStore | undefined;
    const scope = () => (tenantStore ??= store.forTenant(tenant));
    const aggregateOf = (name: string) => {
      const definition = aggregates.get(`${domain}.${name}`);
      if (definition === undefined) throw new LookupSetupError(`A handler of domain ${domain} looks up '${name}', which is no aggregate or view of it.`);
      return definition;
    };
    const lookups: UntypedLookups = {
      async get(name, id) {
        return current(scope(), aggregateOf(name), id);
      },
      async find(name, key) {
        const view = views.get(`${domain}.${name}`);
        if (view !== undefined) {
          const values = viewKeyValues(view, key);
          return values === undefined ? undefined : readViewRow(store.database, { table: view.table, tenant, key: values, access: TENANT_WIDE });
        }
        const definition = aggregateOf(name);
        const id = await keyId(scope(), definition, key);
        return id === undefined ? undefined : current(scope(), definition, id);
      },
    };
    // The boundary to the generated types: the names and shapes were checked when the handler compiled.
    return lookups as unknown as Lookups;
  };
}

interface UntypedLookups {
  get(aggregate: string, id: unknown): Promise<Item<unknown> | undefined>;
  find(name: string, key: unknown): Promise<object | undefined>;
}

/** The stream's current item, as `GET …/{id}` shows it; undefined for no stream (or an id that can be none). */
async function current(scope: TenantStore, definition: AnyAggregateDefinition, id: unknown): Promise<Item<unknown> | undefined> {
  if (typeof id !== "string" || !isUuid(id)) return undefined;
  const streamId = id.toLowerCase();
  const loaded = await scope.load(streamTypeOf(definition), streamId, { specHash: snapshotKey(definition) });
  if (loaded.version === 0) return undefined;
  const state: unknown = stateOf(definition, loaded.snapshot, loaded.events);
  return itemOf(state, streamId, {
    version: loaded.version,
    created: loaded.createdAt ?? "",
    updated: loaded.updatedAt ?? "",
    creator: loaded.creator,
    updater: loaded.updater,
  });
}

/** Lookups for a service made without them (createAggregateService without `lookups`): each says how to pass them. */
export const missingLookups: LookupSource = () => {
  const refuse = async (): Promise<never> => {
    throw new LookupSetupError("This service was created without lookups: pass createLookups(store, domains) as ServiceOptions.lookups.");
  };
  return { get: refuse, find: refuse } as unknown as Lookups;
};
