import { createAggregateService } from "../runtime/command/service.js";
import type { AggregateService } from "../runtime/command/types.js";
import type { AnyAggregateDefinition } from "../runtime/definition.js";
import { viewsOf, type AggregateMeta, type DomainDefinition } from "../runtime/domain.js";
import type { EventStore } from "../runtime/store/types.js";
import { createLookups } from "../runtime/lookups/reader.js";
import { aggregateQueryFields } from "../runtime/read/aggregate-list.js";
import type { QueryField } from "../runtime/read/fields.js";

/** One aggregate as the API serves it: its service, metadata and queryable fields (for the metadata routes). */
export interface Resource {
  readonly domain: DomainDefinition;
  readonly meta: AggregateMeta;
  readonly name: string;
  // The service's state/event/payload types differ per aggregate; the API only passes values through.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly service: AggregateService<any, any, any>;
  readonly fields: readonly QueryField[];
}

export function resourcesOf(store: EventStore, domains: readonly DomainDefinition[]): Resource[] {
  const views = viewsOf(domains);
  const lookups = createLookups(store, domains);
  return domains.flatMap((domain) =>
    domain.aggregates.map((meta) => {
      const definition: AnyAggregateDefinition = meta.definition;
      const readModel = definition.readModel;
      if (!readModel) throw new Error(`Aggregate ${domain.name}.${definition.aggregate} has no read model; regenerate the code.`);
      return {
        domain,
        meta,
        name: definition.aggregate,
        service: createAggregateService(store, definition, { policy: domain.policy, views, lookups, fields: meta.fields }),
        fields: aggregateQueryFields(readModel, meta.fields),
      };
    }),
  );
}
