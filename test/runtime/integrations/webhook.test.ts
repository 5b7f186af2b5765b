import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeliveryFailedError, InvalidArgumentError, createWebhookDelivery, toWireError, verifyWebhookSignature } from "@fluvius/runtime";
import { rejection } from "../helpers/rejection.js";
import { closedPort, shippedRecord, startReceiver, type Receiver } from "./helpers.js";

const SECRET = "whsec-test-9f2c1b7e";
const context = { deliveryId: "3b1f6a52-0c1e-5d7a-9b5e-2f0d7c1a9e44", reaction: "shop.notify-shipped" };

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.answer = (response) => {
    response.statusCode = 204;
    response.end();
  };
});

describe("a webhook delivery", () => {
  it("POSTs the event as JSON with the delivery id, the reaction and the envelope", async () => {
    const event = shippedRecord();
    await createWebhookDelivery({ url: receiver.url, secret: SECRET, timeoutMs: 5000 })(event, context);

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/hooks/ship?token=s3cr3t-path-token");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      deliveryId: context.deliveryId,
      reaction: "shop.notify-shipped",
      event: {
        id: event.eventId,
        type: "order-shipped",
        version: 2,
        tenant: "acme",
        streamType: "shop.order",
        streamId: event.streamId,
        streamVersion: 4,
        recordedAt: "2026-03-01T12:00:00.000Z",
        actorId: "clerk-7",
        correlationId: event.correlationId,
        causationId: event.causationId,
        data: { trackingNumber: "TRK-1", carrier: "post" },
      },
    });
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["x-fluvius-delivery"]).toBe(context.deliveryId);
    expect(request?.headers["x-fluvius-event"]).toBe("order-shipped");
  });

  it("is signed: the receiver verifies the signature over the raw body and the timestamp", async () => {
    const before = Math.floor(Date.now() / 1000);
    await createWebhookDelivery({ url: receiver.url, secret: SECRET, timeoutMs: 5000 })(shippedRecord(), context);
    const [request] = receiver.requests;
    const timestamp = request?.headers["x-fluvius-timestamp"];
    const signature = request?.headers["x-fluvius-signature"];
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    // The documented scheme, computed independently of the helper.
    expect(signature).toBe(
      `sha256=${createHmac("sha256", SECRET)
        .update(`${String(timestamp)}.${request?.body ?? ""}`)
        .digest("hex")}`,
    );
    const verify = (overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secret: SECRET, body: request?.body ?? "", timestamp: String(timestamp), signature: String(signature), ...overrides });

    expect(verify({})).toBe(true);
    expect(verify({ body: Buffer.from(request?.body ?? "") })).toBe(true);
    expect(verify({ body: (request?.body ?? "").replace("TRK-1", "TRK-2") })).toBe(false);
    expect(verify({ secret: "another-secret" })).toBe(false);
    expect(verify({ timestamp: String(Number(timestamp) + 1) })).toBe(false);
    expect(verify({ signature: String(signature).slice(0, -1) })).toBe(false);
    expect(verify({ signature: undefined })).toBe(false);
    expect(verify({ timestamp: undefined })).toBe(false);
    // A replay ten minutes later is refused; within the tolerance it is accepted.
    expect(verify({ now: Number(timestamp) + 600 })).toBe(false);
    expect(verify({ now: Number(timestamp) + 600, toleranceSeconds: 900 })).toBe(true);
  });

  it("without a secret sends no timestamp or signature", async () => {
    await createWebhookDelivery({ url: receiver.url, timeoutMs: 5000 })(shippedRecord(), context);
    const [request] = receiver.requests;
    expect(request?.headers["x-fluvius-signature"]).toBeUndefined();
    expect(request?.headers["x-fluvius-timestamp"]).toBeUndefined();
    expect(request?.headers["x-fluvius-delivery"]).toBe(context.deliveryId);
  });

  it("throws DeliveryFailedError on an HTTP 500, naming the host but not the path, body or secret", async () => {
    receiver.answer = (response) => {
      response.statusCode = 500;
      response.end("boom");
    };
    const error = await rejection<DeliveryFailedError>(createWebhookDelivery({ url: receiver.url, secret: SECRET, timeoutMs: 5000 })(shippedRecord(), context));
    expect(error).toBeInstanceOf(DeliveryFailedError);
    const origin = new URL(receiver.url).origin;
    expect(error.message).toBe(`Webhook ${origin} answered HTTP 500 to delivery ${context.deliveryId}.`);
    expect(toWireError(error)).toEqual({
      status: 502,
      body: { errcode: "delivery-failed", errmesg: error.message, errdata: { target: origin, kind: "http-status", httpStatus: 500 } },
    });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/s3cr3t|whsec|TRK-1/);
  });

  it("treats a redirect as a failure and does not follow it", async () => {
    receiver.answer = (response, request) => {
      response.statusCode = request.url.startsWith("/elsewhere") ? 204 : 307;
      if (response.statusCode === 307) response.setHeader("location", "/elsewhere");
      response.end();
    };
    const error = await rejection<DeliveryFailedError>(createWebhookDelivery({ url: receiver.url, timeoutMs: 5000 })(shippedRecord(), context));
    expect(error.failure).toEqual({ kind: "http-status", httpStatus: 307 });
    expect(error.message).toContain("redirects are not followed");
    expect(receiver.requests.map((r) => r.url)).toEqual(["/hooks/ship?token=s3cr3t-path-token"]);
  });

  it("gives up on a receiver that never answers within the configured timeout", async () => {
    receiver.answer = () => undefined; // never answers
    const started = performance.now();
    const error = await rejection<DeliveryFailedError>(createWebhookDelivery({ url: receiver.url, secret: SECRET, timeoutMs: 300 })(shippedRecord(), context));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.failure).toEqual({ kind: "timeout", timeoutMs: 300 });
    expect(error.message).toBe(`Webhook ${new URL(receiver.url).origin} did not answer within 300 ms.`);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
  });

  it("throws DeliveryFailedError when nothing listens", async () => {
    const port = await closedPort();
    const error = await rejection<DeliveryFailedError>(
      createWebhookDelivery({ url: `http://127.0.0.1:${port}/hook`, timeoutMs: 2000 })(shippedRecord(), context),
    );
    expect(error).toBeInstanceOf(DeliveryFailedError);
    expect(error.failure.kind).toBe("network");
    expect(error.message).toMatch(new RegExp(`^Webhook http://127\\.0\\.0\\.1:${port} could not be reached: .*ECONNREFUSED`));
  });

  it("refuses a URL that is not http(s), an empty secret and a bad timeout when created", () => {
    expect(() => createWebhookDelivery({ url: "ftp://127.0.0.1/x", timeoutMs: 1000 })).toThrow(InvalidArgumentError);
    expect(() => createWebhookDelivery({ url: "not a url", timeoutMs: 1000 })).toThrow(InvalidArgumentError);
    expect(() => createWebhookDelivery({ url: receiver.url, secret: "", timeoutMs: 1000 })).toThrow(InvalidArgumentError);
    expect(() => createWebhookDelivery({ url: receiver.url, timeoutMs: 0 })).toThrow(InvalidArgumentError);
  });
});
