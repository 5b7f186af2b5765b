import { createHmac, timingSafeEqual } from "node:crypto";
import { DeliveryFailedError, InvalidArgumentError } from "../errors.js";
import type { Deliver } from "../reactions/definition.js";
import { deliveryBody, originOf } from "./wire.js";

/**
 * Webhooks: one POST per delivery (docs/integrations.md). Retries, backoff and parking are the
 * reactor runner's; a Deliver here makes one attempt and throws DeliveryFailedError when it
 * does not get a 2xx answer in time.
 *
 * Signing (with a secret): `x-fluvius-timestamp` is the Unix time in seconds of the attempt and
 * `x-fluvius-signature` is `sha256=` + hex HMAC-SHA256(secret, `<timestamp>.<raw body>`). A
 * receiver recomputes it over the raw bytes it received (before parsing the JSON), compares in
 * constant time and refuses timestamps too far from its clock (replays): verifyWebhookSignature.
 */

export interface WebhookOptions {
  /** http: or https:. Its path and query may hold a token: messages and errors name its origin only. */
  readonly url: string;
  /** The HMAC-SHA256 key; unsigned without it. */
  readonly secret?: string;
  /** One attempt's limit, answer included. */
  readonly timeoutMs: number;
  /** For tests; the global fetch by default. */
  readonly fetch?: typeof fetch;
}

export const SIGNATURE_HEADER = "x-fluvius-signature";
export const TIMESTAMP_HEADER = "x-fluvius-timestamp";
export const DELIVERY_HEADER = "x-fluvius-delivery";
export const EVENT_TYPE_HEADER = "x-fluvius-event";

/** `sha256=<hex>` of `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: string, body: string | Uint8Array): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex")}`;
}

export interface VerifyWebhookOptions {
  readonly secret: string;
  /** The raw request body, exactly as received. */
  readonly body: string | Uint8Array;
  /** The `x-fluvius-timestamp` header. */
  readonly timestamp: string | null | undefined;
  /** The `x-fluvius-signature` header. */
  readonly signature: string | null | undefined;
  /** How far the timestamp may be from now (default 300 s); retries are signed anew, so this can stay short. */
  readonly toleranceSeconds?: number;
  /** Unix seconds; Date.now() by default. */
  readonly now?: number;
}

/** True when the signature is the sender's for this body and timestamp, and the timestamp is recent. Constant-time. */
export function verifyWebhookSignature(options: VerifyWebhookOptions): boolean {
  const { timestamp, signature } = options;
  if (typeof timestamp !== "string" || !/^\d{1,12}$/.test(timestamp) || typeof signature !== "string") return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(webhookSignature(options.secret, timestamp, options.body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function createWebhookDelivery(options: WebhookOptions): Deliver {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new InvalidArgumentError("A webhook URL must be an absolute http: or https: URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError(`A webhook URL must be http: or https:, not ${url.protocol}.`);
  if (options.secret === "") throw new InvalidArgumentError("A webhook secret must not be empty (leave it out for unsigned deliveries).");
  const { secret, timeoutMs } = options;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
    throw new InvalidArgumentError(`A webhook timeout must be a positive number of milliseconds, not ${timeoutMs}.`);
  const doFetch = options.fetch ?? fetch;
  const target = originOf(url);
  const href = url.href;

  return async (event, context) => {
    const body = JSON.stringify(deliveryBody(event, context));
    const headers: Record<string, string> = {
      "content-type": "application/json",
      [DELIVERY_HEADER]: context.deliveryId,
      [EVENT_TYPE_HEADER]: event.event.type,
    };
    if (secret !== undefined) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers[TIMESTAMP_HEADER] = timestamp;
      headers[SIGNATURE_HEADER] = webhookSignature(secret, timestamp, body);
    }
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      // Redirects are not followed: a POST would become a GET, and the signature would go to another host.
      response = await doFetch(href, { method: "POST", headers, body, signal, redirect: "manual" });
    } catch (error) {
      throw failure(target, timeoutMs, signal, error);
    }
    // The answer's body is not read (it can be large or never end); the status is the answer.
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status > 299) {
      const redirect = response.status >= 300 && response.status < 400 ? " (redirects are not followed: configure the final URL)" : "";
      throw new DeliveryFailedError(
        target,
        { kind: "http-status", httpStatus: response.status },
        `Webhook ${target} answered HTTP ${response.status}${redirect} to delivery ${context.deliveryId}.`,
      );
    }
  };
}

function failure(target: string, timeoutMs: number, signal: AbortSignal, error: unknown): DeliveryFailedError {
  if (signal.aborted || (error instanceof Error && error.name === "TimeoutError")) {
    return new DeliveryFailedError(target, { kind: "timeout", timeoutMs }, `Webhook ${target} did not answer within ${timeoutMs} ms.`, { cause: error });
  }
  const cause = describeNetworkError(error);
  return new DeliveryFailedError(target, { kind: "network", cause }, `Webhook ${target} could not be reached: ${cause}.`, { cause: error });
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED 127.0.0.1:9, ENOTFOUND …). */
function describeNetworkError(error: unknown): string {
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code;
    return typeof code === "string" && !inner.message.includes(code) ? `${code} ${inner.message}` : inner.message;
  }
  return String(inner);
}
