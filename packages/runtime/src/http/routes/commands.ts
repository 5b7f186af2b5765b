import { InvalidHeaderError } from "../errors.js";
import type { Resource } from "../resources.js";
import { wireItem } from "../rows.js";
import type { RequestContext } from "../server.js";
import { type RouteHandlers, resourceOf } from "./register.js";

/** `POST {basePath}/{domain}:{action}/{aggregate}/{id}` and `…/:new` for a creating action. */
export function commandHandlers(resources: readonly Resource[], context: RequestContext): Pick<RouteHandlers, "command"> {
  return {
    command: (route) => {
      const resource = resourceOf(resources, route);
      const { action, creates } = route;
      return async (request, reply) => {
        // A well-formed Idempotency-Key is echoed on every reply to the command, errors included, as Fluvius does.
        const key = header(request.headers["idempotency-key"]);
        if (key !== undefined && isKey(key)) void reply.header("Idempotency-Key", key);
        const { actor } = await context.authenticate(request);
        const params = request.params as { id?: string };
        const query = request.query as { identifier?: string };
        const expectedVersion = creates ? undefined : ifMatch(request.headers["if-match"]);
        const commandId = token(request.headers["idempotency-key"], "Idempotency-Key");
        const correlationId = token(request.headers["x-correlation-id"], "X-Correlation-Id");
        const streamId = creates ? query.identifier : params.id;
        const result = await resource.service.execute({
          action,
          payload: request.body ?? {},
          actor,
          ...(streamId === undefined ? {} : { streamId }),
          ...(expectedVersion === undefined ? {} : { expectedVersion }),
          ...(commandId === undefined ? {} : { commandId }),
          ...(correlationId === undefined ? {} : { correlationId }),
        });
        return { status: "OK", data: { [resource.name]: wireItem(resource, result.item) } };
      };
    },
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The longest Idempotency-Key and X-Correlation-Id accepted (docs/http.md). */
export const MAX_KEY_LENGTH = 255;

/** An Idempotency-Key or X-Correlation-Id: 1 to 255 printable ASCII characters (400 otherwise). */
function token(value: string | string[] | undefined, name: string): string | undefined {
  const raw = header(value);
  if (raw === undefined) return undefined;
  if (!isKey(raw)) throw new InvalidHeaderError(name, `${name} must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters.`);
  return raw;
}

function isKey(raw: string): boolean {
  return /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(raw) && raw.length <= MAX_KEY_LENGTH;
}

/** `If-Match: 3`, `"3"` or `W/"3"`: the version the command expects. */
function ifMatch(value: string | string[] | undefined): number | undefined {
  const raw = header(value);
  if (raw === undefined || raw.trim() === "" || raw.trim() === "*") return undefined;
  const match = /^(?:W\/)?"?(\d{1,10})"?$/.exec(raw.trim());
  if (!match) throw new InvalidHeaderError("If-Match", `If-Match must be the resource's version (an integer), not ${JSON.stringify(raw)}.`);
  return Number(match[1]);
}
