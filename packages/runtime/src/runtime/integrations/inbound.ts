import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type Consumer, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { assertTenant } from "../actor.js";
import { DuplicateEventError, FluviusError, VersionConflictError } from "../errors.js";
import { validatorFor } from "../json-schema.js";
import type { ExtraWorker } from "../reactions/runner.js";
import { uuidV5 } from "../uuid-v5.js";
import { park, retriesOf, setParkedStatus, type InboundMessage } from "../reactions/tables.js";
import type { EventStore, RecordedRejection } from "../store/types.js";
import { externalStreamType, inboundWorkerName, type ExternalEventDefinition } from "./external.js";

/**
 * The inbound worker of one external event (docs/integrations.md): a durable JetStream pull
 * consumer on the event's subject whose messages are recorded in the domain's inbox (stream
 * type `<domain>.external`) and acknowledged only once recorded. Reactions then hear the recorded
 * event from the store like any other, with their own checkpoints, retries and parking.
 *
 * Nothing is lost or recorded twice: a crash before the acknowledgement redelivers the
 * message, and its inbox event id, derived from the message's identity (the fluvius event id,
 * else `Nats-Msg-Id`, else stream and sequence), is already stored, so the copy is only
 * acknowledged. A message that cannot be recorded (not JSON, no tenant, data that do not fit
 * the payload) is parked with its body; `fluvius reactions retry <id>` records it later.
 */
export interface InboundOptions {
  readonly external: ExternalEventDefinition;
  /** The broker integration's connection (NatsPublisher.connection). */
  readonly connection: NatsConnection;
  /** The durable consumer's name, unique per service and external event (see inboundConsumerName). */
  readonly consumerName: string;
  /** Messages per pass (default 100). */
  readonly batchSize?: number;
  /** How long a pass waits for messages when there are none (default 1000 ms, the least JetStream takes). */
  readonly waitMs?: number;
  /** How long the broker waits for an acknowledgement before it redelivers (default 30 s). */
  readonly ackWaitMs?: number;
  readonly now?: () => Date;
  /** No stream captures the subject yet (the publishing service creates it): said once until one does. */
  readonly onWaiting?: (message: string) => void;
  readonly onParked?: (parked: { worker: string; id: string; subject: string; error: RecordedRejection }) => void;
}

/** `fluvius_<service>_<domain>_<name>`: consumers of several services on one stream stay apart. */
export function inboundConsumerName(service: string, external: { readonly domain: string; readonly name: string }): string {
  return `fluvius_${service}_${external.domain}_${external.name}`.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** Where a message came from and what to record. */
interface Incoming {
  readonly tenant: string;
  readonly data: unknown;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** The publishing service's event and its stream, when it was a fluvius service. */
  readonly sourceEventId?: string;
  readonly sourceStreamId?: string;
}

class UnrecordableMessage extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export function createInboundWorker(store: EventStore, options: InboundOptions): ExtraWorker {
  const { external, connection } = options;
  const name = inboundWorkerName(external);
  const streamType = externalStreamType(external.domain);
  const validate = validatorFor(external.schema);
  const now = options.now ?? (() => new Date());
  const db = store.database;
  let consumer: Consumer | undefined;
  let waiting = false;

  /** The durable consumer, created (or its subject updated) the first time a stream captures the subject. */
  async function consumerOf(): Promise<Consumer | undefined> {
    if (consumer) return consumer;
    const jsm = await jetstreamManager(connection);
    let stream: string;
    try {
      stream = await jsm.streams.find(external.subject);
    } catch {
      if (!waiting) options.onWaiting?.(`${name}: no JetStream stream captures ${external.subject} yet; waiting for the publishing service to create it.`);
      waiting = true;
      return undefined;
    }
    waiting = false;
    const config = {
      durable_name: options.consumerName,
      filter_subject: external.subject,
      ack_policy: AckPolicy.Explicit,
      // A new consumer reads what the stream still holds: the inbox drops what was recorded already.
      deliver_policy: DeliverPolicy.All,
      ack_wait: (options.ackWaitMs ?? 30_000) * 1_000_000,
      max_deliver: -1,
    };
    const existing = await jsm.consumers.info(stream, options.consumerName).catch(() => undefined);
    if (!existing) await jsm.consumers.add(stream, config);
    else if (existing.config.filter_subject !== external.subject)
      await jsm.consumers.update(stream, options.consumerName, { filter_subject: external.subject });
    consumer = await jetstream(connection).consumers.get(stream, options.consumerName);
    return consumer;
  }

  /** Records the message in the inbox (a second time: nothing). Throws UnrecordableMessage when it cannot be. */
  async function record(message: InboundMessage): Promise<void> {
    const incoming = readMessage(message);
    const issues = validate(incoming.data);
    if (issues.length > 0) {
      throw new UnrecordableMessage(
        "invalid-external-event",
        `The data do not fit external event '${external.name}': ${issues.map((i) => `${i.path === "" ? "(data)" : i.path} ${i.message}`).join("; ")}.`,
        { issues },
      );
    }
    const event = {
      type: external.name,
      schemaVersion: 1,
      data: incoming.data,
      eventId: uuidV5(`inbox-event\n${external.domain}.${external.name}\n${message.key}`),
    };
    try {
      await store.forTenant(incoming.tenant).append(
        streamType,
        // A fluvius event goes to the inbox stream of its source stream (`$event.streamId` is the
        // other service's order id, say); any other message is a stream of its own.
        incoming.sourceStreamId ?? uuidV5(`inbox\n${external.domain}.${external.name}\n${message.key}`),
        [event],
        {
          expected: incoming.sourceStreamId === undefined ? "no-stream" : "any",
          ...(incoming.correlationId !== undefined && { correlationId: incoming.correlationId }),
          ...(incoming.causationId !== undefined && { causationId: incoming.causationId }),
          metadata: { subject: message.subject, ...(incoming.sourceEventId !== undefined && { sourceEventId: incoming.sourceEventId }) },
        },
      );
    } catch (error) {
      // Recorded before (a redelivery after a crash, or a message published twice): the event id or the stream exists.
      if (error instanceof VersionConflictError || error instanceof DuplicateEventError) return;
      throw error;
    }
  }

  /** Records, or parks what cannot be recorded; rethrows what may pass (the database is down). */
  async function handle(message: InboundMessage): Promise<"recorded" | "parked"> {
    try {
      await record(message);
      return "recorded";
    } catch (error) {
      if (!(error instanceof UnrecordableMessage)) throw error;
      const rejection: RecordedRejection = { code: error.code, message: error.message, details: error.details };
      const id = uuidV5(`inbox-parked\n${external.domain}.${external.name}\n${message.key}`);
      const tenant = tenantOf(message) ?? "-";
      await park(db, { id, tenant, reaction: name, eventId: id, attempts: 1, error: rejection, message }, now());
      options.onParked?.({ worker: name, id, subject: message.subject, error: rejection });
      return "parked";
    }
  }

  return {
    name,
    async pass() {
      let done = 0;
      // Messages an operator asked to record again (`fluvius reactions retry`), after fixing the spec.
      for (const retry of await retriesOf(db, name, 100)) {
        if (retry.message === undefined) continue;
        const outcome = await handle(retry.message);
        if (outcome === "recorded") await setParkedStatus(db, retry.id, ["retry"], "resolved", now());
        done++;
      }
      const source = await consumerOf();
      if (!source) return done;
      const batch = await source.fetch({ max_messages: options.batchSize ?? 100, expires: Math.max(1000, options.waitMs ?? 1000) });
      for await (const msg of batch) {
        try {
          await handle(toInboundMessage(msg));
        } catch (error) {
          // Not acknowledged: the broker redelivers it after ack_wait; the pass fails and is retried.
          msg.nak(1000);
          await batch.close();
          throw error;
        }
        msg.ack();
        done++;
      }
      return done;
    },
  };
}

function toInboundMessage(msg: JsMsg): InboundMessage {
  const headers: Record<string, string> = {};
  for (const key of msg.headers?.keys() ?? []) headers[key] = msg.headers?.get(key) ?? "";
  const partial = { subject: msg.subject, body: msg.string(), headers };
  return { key: header(partial, "Fluvius-Event-Id") ?? header(partial, "Nats-Msg-Id") ?? `${msg.info.stream}:${msg.seq}`, ...partial };
}

function header(message: Pick<InboundMessage, "headers">, name: string): string | undefined {
  const found = Object.keys(message.headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = found === undefined ? undefined : message.headers[found];
  return value === "" ? undefined : value;
}

/** A fluvius service's message (forwarded or a `notify:` delivery): `{ event: { id, tenant, data, … } }` with Fluvius-Event-Id. */
function fluviusEvent(message: InboundMessage, body: unknown): Readonly<Record<string, unknown>> | undefined {
  if (header(message, "Fluvius-Event-Id") === undefined || typeof body !== "object" || body === null) return undefined;
  const event = (body as { event?: unknown }).event;
  return typeof event === "object" && event !== null && !Array.isArray(event) ? (event as Record<string, unknown>) : undefined;
}

function parseBody(message: InboundMessage): unknown {
  try {
    return JSON.parse(message.body) as unknown;
  } catch {
    throw new UnrecordableMessage("invalid-external-event", `The message on ${message.subject} is not JSON.`);
  }
}

function tenantOf(message: InboundMessage): string | undefined {
  return header(message, "Fluvius-Tenant");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const stringOr = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

function readMessage(message: InboundMessage): Incoming {
  const body = parseBody(message);
  const event = fluviusEvent(message, body);
  const tenant = stringOr(event?.tenant) ?? tenantOf(message);
  try {
    assertTenant(tenant);
  } catch (error) {
    const reason = error instanceof FluviusError ? error.message : String(error);
    throw new UnrecordableMessage(
      "external-event-without-tenant",
      `The message on ${message.subject} names no valid tenant (a fluvius event's tenant, or a Fluvius-Tenant header): ${reason}`,
    );
  }
  if (event === undefined) {
    const correlationId = header(message, "Fluvius-Correlation-Id");
    return { tenant, data: body, ...(correlationId !== undefined && { correlationId }) };
  }
  const sourceEventId = stringOr(event.id);
  const sourceStreamId = stringOr(event.streamId);
  const correlationId = stringOr(event.correlationId) ?? sourceEventId;
  return {
    tenant,
    data: event.data,
    // The chain goes on across services: the other service's event caused ours.
    ...(correlationId !== undefined && { correlationId }),
    ...(sourceEventId !== undefined && { causationId: sourceEventId, sourceEventId }),
    ...(sourceStreamId !== undefined && UUID.test(sourceStreamId) && { sourceStreamId }),
  };
}
