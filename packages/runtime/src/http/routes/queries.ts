import { InvalidQueryError } from "../../runtime/read/errors.js";
import type { EventRecord } from "../../runtime/store/types.js";
import { parseInstant } from "../../runtime/time.js";
import { integer, listRequestOf, type ListParameters, pagination } from "../query/list-query.js";
import type { Resource } from "../resources.js";
import { wireItem } from "../rows.js";
import type { RequestContext } from "../server.js";
import { type RouteHandlers, resourceOf } from "./register.js";

/** Lists, items (with time travel), lookups by key and event logs of every aggregate. */
export function queryHandlers(resources: readonly Resource[], context: RequestContext): Pick<RouteHandlers, "list" | "item" | "get-by" | "history"> {
  return {
    list: (route) => {
      const resource = resourceOf(resources, route);
      return async (request) => {
        const { actor } = await context.authenticate(request);
        const page = await resource.service.list(actor, listRequestOf(request.query as ListParameters));
        return { data: page.rows, pagination: pagination(page.total, page.limit, page.page, page.capped) };
      };
    },

    // The natural key and single unique fields find a stream by value: `…/by/sku/SKU-1`.
    "get-by": (route) => {
      const resource = resourceOf(resources, route);
      return async (request) => {
        const { actor } = await context.authenticate(request);
        const { field, value } = request.params as { field: string; value: string };
        return wireItem(resource, await resource.service.getBy(actor, field, value));
      };
    },

    item: (route) => {
      const resource = resourceOf(resources, route);
      return async (request) => {
        const { actor } = await context.authenticate(request);
        const { id } = request.params as { id: string };
        const { version, at } = request.query as { version?: string; at?: string };
        if (version !== undefined && at !== undefined) throw new InvalidQueryError("Give `version` or `at`, not both.", { parameter: "at" });
        if (version !== undefined) {
          const n = /^\d{1,10}$/.test(version) ? Number(version) : NaN;
          if (!Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1)
            throw new InvalidQueryError("`version` must be a positive integer.", { parameter: "version", version });
          return wireItem(resource, await resource.service.getAt(actor, id, { version: n }));
        }
        if (at !== undefined) {
          const instant = parseInstant(at);
          if (instant === undefined) {
            throw new InvalidQueryError("`at` must be an ISO 8601 date-time with a time zone (years 0001-9999), e.g. 2024-01-31T12:00:00Z.", {
              parameter: "at",
              at,
            });
          }
          return wireItem(resource, await resource.service.getAt(actor, id, { at: instant }));
        }
        return wireItem(resource, await resource.service.get(actor, id));
      };
    },

    history: (route) => {
      const resource = resourceOf(resources, route);
      return async (request) => {
        const { actor } = await context.authenticate(request);
        const { id } = request.params as { id: string };
        const { limit, page, afterVersion } = eventsPage(request.query as EventsParameters);
        const history = await resource.service.history(actor, id, { afterVersion, limit });
        return { data: history.events.map(eventOf), pagination: { ...pagination(history.total, limit, page), offset: afterVersion } };
      };
    },
  };
}

export const EVENTS_DEFAULT_LIMIT = 100;
export const EVENTS_MAX_LIMIT = 1000;

interface EventsParameters {
  readonly limit?: string;
  readonly page?: string;
  readonly afterVersion?: string;
}

/**
 * `limit` (100, at most 1000) with `page` (from 1) or `afterVersion` (the last version the
 * client has; for walking a stream that grows). The offset is the versions skipped.
 */
function eventsPage(parameters: EventsParameters): { limit: number; page: number; afterVersion: number } {
  const limit = integer(parameters.limit, "limit", EVENTS_DEFAULT_LIMIT, 1, EVENTS_MAX_LIMIT);
  if (parameters.afterVersion !== undefined && parameters.afterVersion !== "") {
    if (parameters.page !== undefined && parameters.page !== "") {
      throw new InvalidQueryError("Give `page` or `afterVersion`, not both.", { page: parameters.page, afterVersion: parameters.afterVersion });
    }
    const afterVersion = integer(parameters.afterVersion, "afterVersion", 0, 0, 2_147_483_647);
    return { limit, afterVersion, page: Math.floor(afterVersion / limit) + 1 };
  }
  const page = integer(parameters.page, "page", 1, 1, 1_000_000);
  return { limit, page, afterVersion: (page - 1) * limit };
}

/** An event of the audit trail as JSON: what, when, who, which command. */
function eventOf(record: EventRecord): Record<string, unknown> {
  return {
    version: record.version,
    type: record.event.type,
    schemaVersion: record.event.version,
    storedSchemaVersion: record.storedSchemaVersion,
    data: record.event.data,
    eventId: record.eventId,
    recordedAt: record.recordedAt,
    actorId: record.actorId,
    commandId: record.commandId,
    correlationId: record.correlationId,
    causationId: record.causationId,
    metadata: record.metadata,
    position: String(record.position),
  };
}
