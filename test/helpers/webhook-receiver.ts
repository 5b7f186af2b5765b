import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature } from "@fluvius/runtime";

export interface ReceivedDelivery {
  readonly deliveryId: string;
  readonly body: string;
  /** The signature verified with the receiver's secret. */
  readonly signed: boolean;
  /** The status it was answered with. */
  readonly answered: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly deliveries: ReceivedDelivery[];
  close(): Promise<void>;
}

const read = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => resolve(body));
  });

/** A webhook receiver on 127.0.0.1 that answers 500 the first time it sees a delivery id, 204 after. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const deliveries: ReceivedDelivery[] = [];
  const seen = new Set<string>();
  const server = createServer((request, response) => {
    void read(request).then((body) => {
      const deliveryId = String(request.headers["x-fluvius-delivery"] ?? "");
      const signed = verifyWebhookSignature({
        secret,
        body,
        signature: String(request.headers["x-fluvius-signature"] ?? ""),
        timestamp: String(request.headers["x-fluvius-timestamp"] ?? ""),
      });
      const answered = seen.has(deliveryId) ? 204 : 500;
      seen.add(deliveryId);
      deliveries.push({ deliveryId, body, signed, answered });
      response.statusCode = answered;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
