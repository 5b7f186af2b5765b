import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DeliveryFailedError,
  IntegrationUnavailableError,
  InvalidArgumentError,
  connectNatsPublisher,
  streamNameFor,
  subjectFor,
  toWireEvent,
  type NatsPublisher,
} from "@fluvius/runtime";
import { subjectCovers } from "@fluvius/runtime/internal/runtime/integrations/nats";
import { rejection } from "../helpers/rejection.js";
import { closedPort, shippedRecord, storedOf } from "./helpers.js";
import { NATS_URL, natsFixture, type NatsFixture } from "./nats-helpers.js";

let nats: NatsFixture;
const publishers: NatsPublisher[] = [];
beforeAll(async () => {
  nats = await natsFixture();
});
afterAll(async () => {
  await Promise.all(publishers.map((p) => p.close()));
  await nats.cleanUp();
});

async function publisher(subjectPrefix: string, streamName?: string): Promise<NatsPublisher> {
  const p = await connectNatsPublisher({ url: NATS_URL, subjectPrefix, ...(streamName !== undefined && { streamName }) });
  publishers.push(p);
  return p;
}

const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe("the NATS publisher", () => {
  it("publishes an event on <prefix>.<domain>.<aggregate>.<type> with the Fluvius headers; a consumer reads it", async () => {
    const prefix = nats.prefix();
    const p = await publisher(prefix);
    expect(p.stream).toBe(streamNameFor(prefix));
    const event = shippedRecord();
    const ack = await p.publishEvent(event);
    expect(ack).toEqual({ stream: p.stream, sequence: 1, duplicate: false });

    const consumer = await nats.js.consumers.get(p.stream, { filter_subjects: `${prefix}.shop.order.>` });
    const msg = await consumer.next({ expires: 5000 });
    expect(msg?.subject).toBe(`${prefix}.shop.order.order-shipped`);
    expect(msg?.headers?.get("Nats-Msg-Id")).toBe(event.eventId);
    expect(msg?.headers?.get("Fluvius-Event-Id")).toBe(event.eventId);
    expect(msg?.headers?.get("Fluvius-Event-Type")).toBe("order-shipped");
    expect(msg?.headers?.get("Fluvius-Tenant")).toBe("acme");
    expect(msg?.headers?.get("Fluvius-Correlation-Id")).toBe(event.correlationId);
    expect(msg?.headers?.get("Fluvius-Causation-Id")).toBe(event.causationId);
    expect(JSON.parse(text(msg?.data ?? new Uint8Array()))).toEqual({ event: toWireEvent(event) });
    expect(toWireEvent(event).version).toBe(2);
  });

  it("keeps one message when the same event is published twice (msgID = event id)", async () => {
    const p = await publisher(nats.prefix());
    const event = shippedRecord();
    const first = await p.publishEvent(event);
    const again = await p.publishEvent(storedOf(event));
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ stream: p.stream, sequence: first.sequence, duplicate: true });
    const next = shippedRecord();
    expect((await p.publishEvent(next)).duplicate).toBe(false);
    expect((await nats.messages(p.stream)).map((m) => m.header.get("Nats-Msg-Id"))).toEqual([event.eventId, next.eventId]);
    expect((await nats.jsm.streams.info(p.stream)).state.messages).toBe(2);
  });

  it("delivers a notify reaction's event with its delivery id; a redelivery is dropped", async () => {
    const prefix = nats.prefix();
    const p = await publisher(prefix);
    const event = shippedRecord({ correlationId: null, causationId: null });
    const context = { deliveryId: "0f9d6c1e-7a55-5b8e-8c3d-1b2a3c4d5e6f", reaction: "shop.notify-shipped" };
    await p.deliver(event, context);
    await p.deliver(event, context);
    const messages = await nats.messages(p.stream);
    expect(messages).toHaveLength(1);
    const [msg] = messages;
    expect(msg?.subject).toBe(`${prefix}.shop.order.order-shipped`);
    expect(msg?.header.get("Nats-Msg-Id")).toBe(context.deliveryId);
    expect(msg?.header.get("Fluvius-Delivery-Id")).toBe(context.deliveryId);
    expect(msg?.header.get("Fluvius-Reaction")).toBe("shop.notify-shipped");
    expect(msg?.header.has("Fluvius-Correlation-Id")).toBe(false);
    expect(JSON.parse(text(msg?.data ?? new Uint8Array()))).toEqual({ ...context, event: toWireEvent(event) });
  });

  it("uses an existing stream that captures the prefix's subjects instead of creating one", async () => {
    const base = nats.prefix();
    const name = `${streamNameFor(base)}_OWN`;
    await nats.jsm.streams.add({ name, subjects: [`${base}.>`] });
    nats.track(name);
    const p = await publisher(`${base}.svc`);
    expect(p.stream).toBe(name);
    expect((await p.publishEvent(shippedRecord())).stream).toBe(name);
    const names: string[] = [];
    for await (const n of nats.jsm.streams.names(`${base}.>`)) names.push(n);
    expect(names).toEqual([name]);
  });

  it("refuses to start when a stream captures only part of the prefix's subjects", async () => {
    const prefix = nats.prefix();
    const name = `${streamNameFor(prefix)}_PART`;
    await nats.jsm.streams.add({ name, subjects: [`${prefix}.shop.order.*`] });
    nats.track(name);
    const error = await rejection<IntegrationUnavailableError>(connectNatsPublisher({ url: NATS_URL, subjectPrefix: prefix }));
    expect(error).toBeInstanceOf(IntegrationUnavailableError);
    expect(error.message).toBe(
      `NATS at ${NATS_URL}: stream ${name} captures part of ${prefix}.> but not all of it; add ${prefix}.> to its subjects, or choose another subjectPrefix.`,
    );
  });

  it("throws DeliveryFailedError when the stream is gone", async () => {
    const p = await publisher(nats.prefix());
    await nats.jsm.streams.delete(p.stream);
    const error = await rejection<DeliveryFailedError>(p.publishEvent(shippedRecord()));
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.status).toBe(502);
    expect(error.failure.kind).toBe("publish");
    expect(error.message).toMatch(/^NATS at nats:\/\/\S+ did not take the message on fvt_\S+\.shop\.order\.order-shipped: no JetStream stream captures/);
  });

  it("closes once the publishes in flight are acknowledged; a publish after close throws DeliveryFailedError", async () => {
    const p = await publisher(nats.prefix());
    const pending = Array.from({ length: 100 }, () => p.publishEvent(shippedRecord()));
    await p.close();
    await p.close();
    const settled = await Promise.allSettled(pending);
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    expect((await nats.jsm.streams.info(p.stream)).state.messages).toBe(100);
    const error = await rejection<DeliveryFailedError>(p.publishEvent(shippedRecord()));
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.message).toMatch(/the publisher is closed/);
  });

  it("names the server, without credentials, when it cannot connect", async () => {
    const port = await closedPort();
    const error = await rejection<IntegrationUnavailableError>(
      connectNatsPublisher({ url: `nats://bob:hunter2@127.0.0.1:${port}`, subjectPrefix: "shop", timeoutMs: 2000 }),
    );
    expect(error).toBeInstanceOf(IntegrationUnavailableError);
    expect(error.message).toMatch(new RegExp(`^Cannot connect to NATS at nats://127\\.0\\.0\\.1:${port}: connection refused`));
    expect(error.message).not.toContain("hunter2");
    expect(error.details).toEqual({ url: `nats://127.0.0.1:${port}` });
  });

  it("says when the server has no JetStream", async () => {
    const port = await closedPort();
    const server = await startPlainNats(port);
    try {
      const error = await rejection<IntegrationUnavailableError>(
        connectNatsPublisher({ url: `nats://127.0.0.1:${port}`, subjectPrefix: "shop", timeoutMs: 2000 }),
      );
      expect(error).toBeInstanceOf(IntegrationUnavailableError);
      expect(error.message).toMatch(new RegExp(`^NATS at nats://127\\.0\\.0\\.1:${port} has no usable JetStream \\(start nats-server with -js\\)`));
    } finally {
      server.kill("SIGTERM");
    }
  });

  it("refuses a subject prefix or URL that NATS cannot take", async () => {
    await expect(connectNatsPublisher({ url: NATS_URL, subjectPrefix: "shop.>" })).rejects.toThrow(InvalidArgumentError);
    await expect(connectNatsPublisher({ url: "http://127.0.0.1:4222", subjectPrefix: "shop" })).rejects.toThrow(InvalidArgumentError);
    expect(() => subjectFor("shop", "shop.order", "order placed")).toThrow(InvalidArgumentError);
  });
});

describe("subjects and streams", () => {
  it("build the subject from the prefix, the stream type and the event type", () => {
    expect(subjectFor("acme.shop", "shop.order", "order-placed")).toBe("acme.shop.shop.order.order-placed");
    expect(streamNameFor("acme.shop-eu")).toBe("FLUVIUS_ACME_SHOP-EU");
  });

  it("know which stream subjects capture all of <prefix>.>", () => {
    expect(subjectCovers("shop.>", "shop")).toBe(true);
    expect(subjectCovers(">", "shop")).toBe(true);
    expect(subjectCovers("*.>", "shop")).toBe(true);
    expect(subjectCovers("acme.>", "acme.shop")).toBe(true);
    expect(subjectCovers("acme.*.>", "acme.shop")).toBe(true);
    expect(subjectCovers("shop.*", "shop")).toBe(false);
    expect(subjectCovers("shop.order.>", "shop")).toBe(false);
    expect(subjectCovers("shops.>", "shop")).toBe(false);
    expect(subjectCovers("shop", "shop")).toBe(false);
  });
});

/** A nats-server without JetStream, for the error a user sees. */
async function startPlainNats(port: number): Promise<ChildProcess> {
  const child = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PATH: `${process.env["PATH"] ?? ""}:/usr/sbin` },
  });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Server is ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("error", reject);
  });
  return child;
}
