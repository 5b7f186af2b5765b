import type { RouteHandlerMethod } from "fastify";
import { LiveCapacityError, LiveRequestError } from "../../runtime/live/errors.js";
import type { LiveDelivery } from "../../runtime/live/session.js";
import type { RequestContext } from "../server.js";
import { type LiveHub, positionOf } from "./hub.js";
import { liveRequestOf } from "./request.js";

/** How long EventSource waits before it reconnects (ms), told once at the start. */
const RETRY_MS = 1000;

function frame(delivery: LiveDelivery): string {
  // Unnamed events: a Fluvius client reads `{channel, message}` from onmessage.
  return `id: ${delivery.message.position}\ndata: ${JSON.stringify({ channel: delivery.channel, message: delivery.message })}\n\n`;
}

/**
 * `GET {base}/_live/sse?channels=…`: the changes of the channels as server-sent events, each
 * with its position as the event id, so EventSource resumes by itself (Last-Event-ID).
 * Mistakes are answered before the stream starts, as JSON errors like any other route's.
 */
export function sseHandler(hub: LiveHub, context: RequestContext): RouteHandlerMethod {
  return async (request, reply) => {
    const { actor } = await context.authenticate(request);
    const { channels, since } = liveRequestOf(request);
    if (channels.length === 0)
      throw new LiveRequestError("unknown-channel", "Name the channels to follow: `?channels=<domain>.<resource>,<domain>.<aggregate>/<id>`.");
    const raw = reply.raw;
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    const session = hub.open(actor, {
      send: (delivery) => {
        if (ended) return false;
        raw.write(frame(delivery));
        return raw.writableLength <= hub.options.maxBufferedBytes;
      },
      end: (reason, position) => {
        if (ended) return;
        ended = true;
        clearInterval(timer);
        // A named event: EventSource's onmessage ignores it; it reconnects once the stream ends.
        raw.end(`event: live-closed\n${position === undefined ? "" : `id: ${position}\n`}data: ${JSON.stringify({ reason, position: position ?? null })}\n\n`);
      },
    });
    if (session === undefined) throw new LiveCapacityError("The server has as many live clients as it takes; try again later.");
    try {
      for (const channel of channels) session.subscribe(channel);
    } catch (error) {
      hub.release(session);
      throw error;
    }
    reply.hijack();
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // Proxies (nginx) must not hold events back in a buffer.
      "x-accel-buffering": "no",
    });
    raw.write(`retry: ${RETRY_MS}\n\n`);
    // The response's close: the client went away (or the stream ended).
    raw.on("close", () => {
      ended = true;
      clearInterval(timer);
      hub.release(session);
    });
    // A comment keeps proxies from timing the stream out; the id moves the client's resume position past changes it was not sent.
    timer = setInterval(() => {
      const position = positionOf(session);
      if (!ended) raw.write(position === undefined ? ": ping\n\n" : `: ping\nid: ${position}\n\n`);
    }, hub.options.heartbeatMs);
    await session.start(since);
    // With its id, a client dropped before its first change still resumes from here.
    const position = positionOf(session);
    if (!ended)
      raw.write(
        `event: ready\n${position === undefined ? "" : `id: ${position}\n`}data: ${JSON.stringify({ position: position ?? null, channels: session.channelNames })}\n\n`,
      );
  };
}
