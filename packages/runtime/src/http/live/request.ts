import type { FastifyRequest } from "fastify";
import { LiveRequestError } from "../../runtime/live/errors.js";
import { parsePosition } from "../../runtime/live/position.js";
import type { Checkpoint } from "../../runtime/store/types.js";

export interface LiveRequest {
  readonly channels: readonly string[];
  readonly since: Checkpoint | undefined;
}

/**
 * `channels` (comma-separated: query parameters may not repeat) and the resume position:
 * `Last-Event-ID` (what EventSource sends when it reconnects) before `since`.
 */
export function liveRequestOf(request: FastifyRequest): LiveRequest {
  const query = request.query as { channels?: string; since?: string };
  const channels = (query.channels ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
  const header = request.headers["last-event-id"];
  const given = typeof header === "string" && header !== "" ? header : query.since;
  if (given === undefined || given === "") return { channels, since: undefined };
  const since = parsePosition(given);
  if (since === undefined) {
    throw new LiveRequestError("invalid-position", "The resume position must be one the server sent (`<tx>-<position>`, e.g. 7391-12).", {
      since: given.slice(0, 100),
    });
  }
  return { channels, since };
}
