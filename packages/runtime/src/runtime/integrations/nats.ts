import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamManager, type StreamInfo } from "@nats-io/jetstream";
import { DeliveryFailedError, IntegrationUnavailableError, InvalidArgumentError } from "../errors.js";
import type { Deliver, DeliveryContext } from "../reactions/definition.js";
import type { EventRecord, StoredEvent } from "../store/types.js";
import { deliveryBody, toWireEvent, type DeliveryBody, type ForwardedBody } from "./wire.js";

/**
 * NATS JetStream (docs/integrations.md). Subjects are `<prefix>.<domain>.<aggregate>.<event-type>`;
 * every message carries a JetStream message id (`Nats-Msg-Id`), so the stream drops a message
 * published again within its duplicate window: the event id for a forwarded public event, the
 * delivery id for a reaction's `notify:`.
 */

export interface NatsPublisherOptions {
  /** `nats://host:4222` or `tls://…`, several separated by commas; `nats://user:pw@…` or `nats://token@…` authenticate. */
  readonly url: string;
  /** First token(s) of every subject, e.g. `shop` or `acme.shop`. */
  readonly subjectPrefix: string;
  /** The JetStream stream to create when none captures `<prefix>.>`; default FLUVIUS_<PREFIX>. */
  readonly streamName?: string;
  /** How long the server remembers message ids of a stream it creates (default 2 min, the server's). */
  readonly duplicateWindowMs?: number;
  /** How long a publish waits for the stream's acknowledgement (default 5000 ms); also the connect timeout. */
  readonly timeoutMs?: number;
}

/** Where a publish went: `duplicate` when the stream already had a message with this id. */
export interface PublishAck {
  readonly stream: string;
  readonly sequence: number;
  readonly duplicate: boolean;
}

export interface NatsPublisher {
  /** For `notify:` reactions: publishes `{ deliveryId, reaction, event }` with msgID = the delivery id. */
  readonly deliver: Deliver;
  /** For the forwarder: publishes `{ event }` with msgID = the event id. Throws DeliveryFailedError when the stream does not acknowledge. */
  publishEvent(event: EventRecord | StoredEvent): Promise<PublishAck>;
  /** The stream that captures the subjects (found or created at connect). */
  readonly stream: string;
  readonly subjectPrefix: string;
  /** The connection, shared with the inbound consumers of external events read from this broker. */
  readonly connection: NatsConnection;
  /** Waits for the publishes in flight (acknowledged or failed), then closes the connection; later publishes fail. Idempotent. */
  close(): Promise<void>;
}

const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const TOKEN = /^[A-Za-z0-9_-]+$/;

/** `shop` → `FLUVIUS_SHOP`, `acme.shop-eu` → `FLUVIUS_ACME_SHOP-EU`. */
export function streamNameFor(subjectPrefix: string): string {
  return `FLUVIUS_${subjectPrefix.toUpperCase().replace(/[^A-Z0-9_-]/g, "_")}`;
}

/** `<prefix>.<domain>.<aggregate>.<event-type>` for streamType `<domain>.<aggregate>`. */
export function subjectFor(subjectPrefix: string, streamType: string, eventType: string): string {
  const tokens = [...streamType.split("."), eventType];
  if (tokens.length !== 3 || !tokens.every((t) => TOKEN.test(t))) {
    throw new InvalidArgumentError(`Cannot make a NATS subject of stream type '${streamType}' and event type '${eventType}'.`);
  }
  return `${subjectPrefix}.${tokens.join(".")}`;
}

/** True when a stream subject (with `*` and `>`) captures every subject under `<prefix>.>`. */
export function subjectCovers(pattern: string, subjectPrefix: string): boolean {
  const p = pattern.split(".");
  const t = [...subjectPrefix.split("."), ">"];
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === ">") return true;
    const wanted = t[i];
    if (wanted === undefined || wanted === ">") return false;
    if (token !== "*" && token !== wanted) return false;
  }
  return false;
}

interface Servers {
  readonly servers: string[];
  /** For messages: the servers without credentials. */
  readonly display: string;
  readonly auth: { user?: string; pass?: string; token?: string };
}

function parseServers(url: string): Servers {
  const servers: string[] = [];
  const auth: Servers["auth"] = {};
  for (const part of url.split(",").map((s) => s.trim())) {
    if (part === "") continue;
    let parsed: URL;
    try {
      parsed = new URL(part.includes("://") ? part : `nats://${part}`);
    } catch {
      throw new InvalidArgumentError("A NATS URL must look like nats://host:4222.");
    }
    if (parsed.protocol !== "nats:" && parsed.protocol !== "tls:") throw new InvalidArgumentError(`A NATS URL must be nats: or tls:, not ${parsed.protocol}.`);
    if (parsed.hostname === "") throw new InvalidArgumentError("A NATS URL must name a host, as in nats://host:4222.");
    if (parsed.username !== "") {
      const user = decodeURIComponent(parsed.username);
      if (parsed.password !== "") Object.assign(auth, { user, pass: decodeURIComponent(parsed.password) });
      else auth.token = user;
    }
    servers.push(`${parsed.protocol}//${parsed.host}`);
  }
  if (servers.length === 0) throw new InvalidArgumentError("A NATS URL must look like nats://host:4222.");
  return { servers, display: servers.join(","), auth };
}

/**
 * Connects, finds the JetStream stream that captures `<prefix>.>` (or creates one) and returns
 * a publisher. Throws IntegrationUnavailableError, naming the server without credentials, when
 * the server cannot be reached or has no JetStream, or when a stream captures only part of the subjects.
 */
export async function connectNatsPublisher(options: NatsPublisherOptions): Promise<NatsPublisher> {
  const { subjectPrefix } = options;
  if (!PREFIX.test(subjectPrefix))
    throw new InvalidArgumentError(`'${subjectPrefix}' is not a NATS subject prefix (tokens of letters, digits, _ and -, separated by dots).`);
  const timeoutMs = options.timeoutMs ?? 5000;
  const { servers, display, auth } = parseServers(options.url);

  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      ...auth,
      name: `fluvius:${subjectPrefix}`,
      timeout: timeoutMs,
      // Once connected, reconnect for as long as the process lives; publishes fail (and are retried by the runner) meanwhile.
      maxReconnectAttempts: -1,
    });
  } catch (error) {
    throw new IntegrationUnavailableError(display, `Cannot connect to NATS at ${display}: ${reasonOf(error)}.`, { cause: error });
  }

  let stream: string;
  try {
    const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
    stream = await ensureStream(jsm, subjectPrefix, options.streamName ?? streamNameFor(subjectPrefix), options.duplicateWindowMs, display);
  } catch (error) {
    await nc.close().catch(() => undefined);
    if (error instanceof IntegrationUnavailableError) throw error;
    throw new IntegrationUnavailableError(display, `NATS at ${display} has no usable JetStream (start nats-server with -js): ${reasonOf(error)}.`, {
      cause: error,
    });
  }

  const js = jetstream(nc, { timeout: timeoutMs });
  let closing: Promise<void> | undefined;

  // Publishes awaiting their acknowledgement: close() waits for them before it drains.
  const inFlight = new Set<Promise<unknown>>();
  const publish = async (subject: string, msgID: string, body: DeliveryBody | ForwardedBody, headers: MsgHdrs): Promise<PublishAck> => {
    if (closing !== undefined) {
      throw new DeliveryFailedError(
        display,
        { kind: "publish", cause: "publisher closed" },
        `NATS at ${display}: the publisher is closed; ${subject} was not published.`,
      );
    }
    const pending = js.publish(subject, JSON.stringify(body), { msgID, headers, timeout: timeoutMs });
    inFlight.add(pending);
    try {
      const ack = await pending;
      return { stream: ack.stream, sequence: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      const cause = publishReason(error, subject);
      throw new DeliveryFailedError(display, { kind: "publish", cause }, `NATS at ${display} did not take the message on ${subject}: ${cause}.`, {
        cause: error,
      });
    } finally {
      inFlight.delete(pending);
    }
  };

  return {
    stream,
    subjectPrefix,
    connection: nc,
    deliver: async (event: EventRecord, context: DeliveryContext) => {
      const headers = eventHeaders(event, event.event.type);
      headers.set("Fluvius-Delivery-Id", context.deliveryId);
      headers.set("Fluvius-Reaction", context.reaction);
      await publish(subjectFor(subjectPrefix, event.streamType, event.event.type), context.deliveryId, deliveryBody(event, context), headers);
    },
    publishEvent: async (event) => {
      const wire = toWireEvent(event);
      return publish(subjectFor(subjectPrefix, wire.streamType, wire.type), wire.id, { event: wire }, eventHeaders(event, wire.type));
    },
    close: () => {
      closing ??= (async () => {
        await Promise.allSettled([...inFlight]);
        await nc.drain().catch(() => nc.close());
      })();
      return closing;
    },
  };
}

function eventHeaders(event: EventRecord | StoredEvent, type: string): MsgHdrs {
  const headers = natsHeaders();
  headers.set("Fluvius-Event-Id", event.eventId);
  headers.set("Fluvius-Event-Type", type);
  headers.set("Fluvius-Tenant", event.tenant);
  if (event.correlationId !== null) headers.set("Fluvius-Correlation-Id", event.correlationId);
  if (event.causationId !== null) headers.set("Fluvius-Causation-Id", event.causationId);
  return headers;
}

async function ensureStream(
  jsm: JetStreamManager,
  subjectPrefix: string,
  name: string,
  duplicateWindowMs: number | undefined,
  display: string,
): Promise<string> {
  const wanted = `${subjectPrefix}.>`;
  const find = async (): Promise<string | undefined> => {
    const overlapping: StreamInfo[] = [];
    for await (const info of jsm.streams.list(wanted)) overlapping.push(info);
    overlapping.sort((a, b) => a.config.name.localeCompare(b.config.name));
    const covering = overlapping.find((info) => (info.config.subjects ?? []).some((s) => subjectCovers(s, subjectPrefix)));
    if (covering) return covering.config.name;
    if (overlapping.length > 0) {
      throw new IntegrationUnavailableError(
        display,
        `NATS at ${display}: stream ${overlapping.map((i) => i.config.name).join(", ")} captures part of ${wanted} but not all of it; ` +
          `add ${wanted} to its subjects, or choose another subjectPrefix.`,
      );
    }
    return undefined;
  };
  const found = await find();
  if (found !== undefined) return found;
  try {
    await jsm.streams.add({
      name,
      subjects: [wanted],
      ...(duplicateWindowMs !== undefined && { duplicate_window: duplicateWindowMs * 1_000_000 }),
    });
    return name;
  } catch (error) {
    // Another replica may have created it meanwhile.
    const again = await find();
    if (again !== undefined) return again;
    throw error;
  }
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause !== undefined && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message;
}

function publishReason(error: unknown, subject: string): string {
  // With no stream on the subject the server has no responder, which the client reports as "jetstream is not enabled".
  if (error instanceof Error && (error.name === "JetStreamNotEnabled" || error.name === "NoRespondersError")) {
    return `no JetStream stream captures ${subject} (deleted?)`;
  }
  return reasonOf(error);
}
