import type { WebSocket } from "ws";
import type { FastifyRequest, RouteHandlerMethod } from "fastify";
import type { Actor } from "../../runtime/actor.js";
import { FluviusError } from "../../runtime/errors.js";
import { LiveCapacityError, type LiveCloseReason, LiveRequestError } from "../../runtime/live/errors.js";
import type { LiveSession } from "../../runtime/live/session.js";
import type { Checkpoint } from "../../runtime/store/types.js";
import { CsrfError } from "../errors.js";
import type { RequestContext } from "../server.js";
import { type LiveHub, positionOf } from "./hub.js";
import { liveRequestOf } from "./request.js";

/** Close codes: 1001 going away, 1008 policy (too slow), 1013 try again later. */
const CLOSE_CODES: Record<LiveCloseReason, number> = { shutdown: 1001, "too-slow": 1008, unavailable: 1013 };

interface Pending {
  readonly session: LiveSession;
  readonly since: Checkpoint | undefined;
  socket: WebSocket | undefined;
}

export interface WebSocketRoute {
  readonly handler: RouteHandlerMethod;
  readonly preHandler: (request: FastifyRequest) => Promise<void>;
  readonly wsHandler: (socket: WebSocket, request: FastifyRequest) => void;
}

/**
 * `GET {base}/_live/ws`: the same changes over a WebSocket, where the client subscribes and
 * unsubscribes as it goes (`{type: "subscribe", channel}`). Authentication, channels in the
 * URL and the resume position are checked before the upgrade, so those mistakes are HTTP
 * errors; later ones are `{type: "error", …}` messages on the open socket.
 */
export function webSocketRoute(hub: LiveHub, context: RequestContext): WebSocketRoute {
  const pending = new WeakMap<FastifyRequest, Pending>();
  return {
    preHandler: async (request) => {
      const { actor } = await context.authenticate(request);
      checkOrigin(request);
      const { channels, since } = liveRequestOf(request);
      const entry = openSession(hub, actor, since, () => entry.socket);
      try {
        for (const channel of channels) entry.session.subscribe(channel);
      } catch (error) {
        hub.release(entry.session);
        throw error;
      }
      pending.set(request, entry);
      // A client gone before the upgrade: its session never starts, but holds a place.
      request.socket.once("close", () => entry.socket === undefined && hub.release(entry.session));
    },
    // A plain GET of the route.
    handler: async (request, reply) => {
      const entry = pending.get(request);
      if (entry) hub.release(entry.session);
      return reply
        .status(426)
        .header("upgrade", "websocket")
        .send({ errcode: "upgrade-required", errmesg: "This route speaks WebSocket; for server-sent events use …/_live/sse.", errdata: {} });
    },
    wsHandler: (socket, request) => {
      const entry = pending.get(request);
      if (!entry) return socket.close(1011, "no session");
      entry.socket = socket;
      serve(hub, entry, socket);
    },
  };
}

function openSession(hub: LiveHub, actor: Actor, since: Checkpoint | undefined, socketOf: () => WebSocket | undefined): Pending {
  const session = hub.open(actor, {
    send: (delivery) => {
      const socket = socketOf();
      if (socket === undefined || socket.readyState !== socket.OPEN) return true;
      socket.send(JSON.stringify({ channel: delivery.channel, message: delivery.message }));
      return socket.bufferedAmount <= hub.options.maxBufferedBytes;
    },
    end: (reason, position) => {
      const socket = socketOf();
      if (socket === undefined || socket.readyState !== socket.OPEN) return;
      socket.send(JSON.stringify({ type: "closed", reason, position: position ?? null }));
      socket.close(CLOSE_CODES[reason], reason);
    },
  });
  if (session === undefined) throw new LiveCapacityError("The server has as many live clients as it takes; try again later.");
  return { session, since, socket: undefined };
}

function serve(hub: LiveHub, entry: Pending, socket: WebSocket): void {
  const { session } = entry;
  const reply = (message: Record<string, unknown>) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const timer = setInterval(() => reply({ type: "heartbeat", position: positionOf(session) ?? null }), hub.options.heartbeatMs);
  socket.on("close", () => {
    clearInterval(timer);
    hub.release(session);
  });
  // A client vanishing mid-frame is not the server's error.
  socket.on("error", () => socket.terminate());
  socket.on("message", (data, isBinary) => {
    try {
      const { type, channel } = clientMessageOf(isBinary ? undefined : data.toString());
      if (type === "subscribe") {
        session.subscribe(channel);
        reply({ type: "subscribed", channel, position: positionOf(session) ?? null });
      } else {
        session.unsubscribe(channel);
        reply({ type: "unsubscribed", channel });
      }
    } catch (error) {
      if (error instanceof FluviusError) reply({ type: "error", errcode: error.code, errmesg: error.message, errdata: error.details });
      else reply({ type: "error", errcode: "internal-error", errmesg: "The server failed on this message.", errdata: {} });
    }
  });
  void session.start(entry.since).then(() => reply({ type: "ready", position: positionOf(session) ?? null, channels: session.channelNames }));
}

/** `{type: "subscribe" | "unsubscribe", channel}`, as a Fluvius client sends them. */
function clientMessageOf(text: string | undefined): { type: "subscribe" | "unsubscribe"; channel: string } {
  let value: unknown;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  const message = value as { type?: unknown; channel?: unknown } | undefined;
  if (
    typeof message !== "object" ||
    message === null ||
    (message.type !== "subscribe" && message.type !== "unsubscribe") ||
    typeof message.channel !== "string"
  ) {
    const publishing = typeof message === "object" && message !== null && message.type === "publish";
    throw new LiveRequestError(
      "invalid-live-message",
      publishing
        ? "Publishing is not offered: change data with commands."
        : 'Send JSON text `{"type": "subscribe" | "unsubscribe", "channel": "<domain>.<resource>"}`.',
    );
  }
  return { type: message.type, channel: message.channel };
}

/**
 * A page of another site can open a WebSocket to us and the browser sends our cookie with
 * it (WebSockets are not bound by CORS). So a cookie-authenticated upgrade must come from a
 * page of our own origin; one with `Authorization` cannot be forged by another site.
 */
function checkOrigin(request: FastifyRequest): void {
  if (request.headers.authorization !== undefined) return;
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = "";
  }
  if (host !== request.headers.host) throw new CsrfError("A WebSocket authenticated by the session cookie must come from a page of this server's origin.");
}
