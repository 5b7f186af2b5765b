import type { LiveHub } from "../live/hub.js";
import { sseHandler } from "../live/sse.js";
import { webSocketRoute } from "../live/ws.js";
import type { RequestContext } from "../server.js";
import type { RouteHandlers } from "./register.js";

/** The live routes: the protocols only; the feed, channels and filtering are the runtime's (src/runtime/live). */
export function liveHandlers(hub: LiveHub, context: RequestContext): Pick<RouteHandlers, "live-sse" | "live-ws"> {
  return {
    "live-sse": () => sseHandler(hub, context),
    "live-ws": () => webSocketRoute(hub, context),
  };
}
