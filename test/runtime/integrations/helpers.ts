import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EventRecord, StoredEvent } from "@fluvius/runtime";

/** An order-shipped event as the runner hands it to a Deliver (upcast to version 2). */
export function shippedRecord(overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    tenant: "acme",
    streamType: "shop.order",
    streamId: randomUUID(),
    version: 4,
    eventId: randomUUID(),
    recordedAt: "2026-03-01T12:00:00.000Z",
    actorId: "clerk-7",
    commandId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    metadata: {},
    transactionId: 1000n,
    position: 17n,
    event: { type: "order-shipped", version: 2, data: { trackingNumber: "TRK-1", carrier: "post" } },
    storedSchemaVersion: 1,
    ...overrides,
  };
}

export function storedOf(record: EventRecord): StoredEvent {
  const { event, storedSchemaVersion: _, ...envelope } = record;
  return { ...envelope, type: event.type, schemaVersion: event.version, data: event.data };
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  readonly body: string;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** How the next requests are answered (default 204). */
  answer: (response: ServerResponse, request: ReceivedRequest) => void;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 with a random port. */
export async function startReceiver(path = "/hooks/ship?token=s3cr3t-path-token"): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: Receiver = {
    url: "",
    requests,
    answer: (response) => {
      response.statusCode = 204;
      response.end();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(request);
      receiver.answer(res, request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(receiver, { url: `http://127.0.0.1:${port}${path}` });
  return receiver;
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
