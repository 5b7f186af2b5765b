import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DeliveryFailedError,
  IntegrationConfigError,
  IntegrationUnavailableError,
  resolveIntegrations,
  streamNameFor,
  subjectPrefixOf,
  verifyWebhookSignature,
  type IntegrationSpec,
} from "@fluvius/runtime";
import { rejection } from "../helpers/rejection.js";
import { closedPort, shippedRecord, startReceiver, type Receiver } from "./helpers.js";
import { NATS_URL, natsFixture, type NatsFixture } from "./nats-helpers.js";

let receiver: Receiver;
let nats: NatsFixture;
beforeAll(async () => {
  [receiver, nats] = await Promise.all([startReceiver(), natsFixture()]);
});
afterAll(async () => {
  await Promise.all([receiver?.close(), nats?.cleanUp()]);
});

const context = { deliveryId: "d-1", reaction: "shop.notify-shipped" };
const project = { projectName: "shop" };

describe("resolveIntegrations", () => {
  it("lists every problem in one IntegrationConfigError, naming the integration and the variable, before connecting anything", async () => {
    const port = await closedPort();
    const specs: Record<string, IntegrationSpec> = {
      "shipping-webhook": { webhook: { url: "$env.SHIP_HOOK_URL", secretEnv: "SHIP_HOOK_SECRET" } },
      "slow-webhook": { webhook: { url: "https://hooks.test/x", timeout: "soon" } },
      "bad-url": { webhook: { url: "$env.BAD_URL" } },
      broker: { nats: { url: `nats://127.0.0.1:${port}`, subjectPrefix: "shop.*" } },
      "env-broker": { nats: { url: "$env.NATS_URL" } },
      weird: { webhook: { url: "$env." } },
    };
    const error = await rejection<IntegrationConfigError>(resolveIntegrations(specs, { BAD_URL: "ftp://files.test/x?token=abc", NATS_URL: "" }, project));
    expect(error).toBeInstanceOf(IntegrationConfigError);
    expect(error.problems).toEqual([
      { integration: "bad-url", message: "Integration 'bad-url': the webhook url (from $env.BAD_URL) is not an http: or https: URL." },
      {
        integration: "broker",
        message: "Integration 'broker': subjectPrefix 'shop.*' is not a NATS subject prefix (tokens of letters, digits, _ and -, separated by dots).",
      },
      { integration: "env-broker", variable: "NATS_URL", message: "Integration 'env-broker': environment variable NATS_URL (url: $env.NATS_URL) is not set." },
      {
        integration: "shipping-webhook",
        variable: "SHIP_HOOK_URL",
        message: "Integration 'shipping-webhook': environment variable SHIP_HOOK_URL (url: $env.SHIP_HOOK_URL) is not set.",
      },
      {
        integration: "shipping-webhook",
        variable: "SHIP_HOOK_SECRET",
        message:
          "Integration 'shipping-webhook': the signing secret's environment variable SHIP_HOOK_SECRET (secretEnv) is not set; a signed webhook is never sent unsigned.",
      },
      { integration: "slow-webhook", message: "Integration 'slow-webhook': timeout 'soon' is not a duration (like 10s or 1m30s)." },
      { integration: "weird", message: "Integration 'weird': url '$env.' names no environment variable (write $env.NAME)." },
    ]);
    expect(error.message).not.toContain("token=abc");
  });

  it("refuses a signed webhook whose secret variable is empty, and an integration that is neither kind", async () => {
    const error = await rejection<IntegrationConfigError>(
      resolveIntegrations({ hook: { webhook: { url: receiver.url, secretEnv: "HOOK_SECRET" } }, nothing: {} }, { HOOK_SECRET: "" }, project),
    );
    expect(error.problems.map((p) => [p.integration, p.variable])).toEqual([
      ["hook", "HOOK_SECRET"],
      ["nothing", undefined],
    ]);
    expect(error.problems[1]?.message).toBe("Integration 'nothing': give webhook or nats.");
  });

  it("makes a signed webhook Deliver from $env url and secretEnv, with the configured timeout", async () => {
    const { delivers, publishers, close } = await resolveIntegrations(
      {
        "shipping-webhook": { webhook: { url: "$env.SHIP_HOOK_URL", secretEnv: "SHIP_HOOK_SECRET", timeout: "300ms" } },
        "plain-webhook": { webhook: { url: receiver.url } },
      },
      { SHIP_HOOK_URL: receiver.url, SHIP_HOOK_SECRET: "s3cret" },
      project,
    );
    expect(Object.keys(delivers).sort()).toEqual(["plain-webhook", "shipping-webhook"]);
    expect(publishers).toEqual([]);
    receiver.requests.length = 0;
    await delivers["shipping-webhook"]?.(shippedRecord(), context);
    await delivers["plain-webhook"]?.(shippedRecord(), context);
    const [signed, plain] = receiver.requests;
    expect(
      verifyWebhookSignature({
        secret: "s3cret",
        body: signed?.body ?? "",
        timestamp: String(signed?.headers["x-fluvius-timestamp"]),
        signature: String(signed?.headers["x-fluvius-signature"]),
      }),
    ).toBe(true);
    expect(plain?.headers["x-fluvius-signature"]).toBeUndefined();

    const answer = receiver.answer;
    receiver.answer = () => undefined;
    try {
      const error = await rejection<DeliveryFailedError>(delivers["shipping-webhook"]?.(shippedRecord(), context) ?? Promise.resolve());
      expect(error.failure).toEqual({ kind: "timeout", timeoutMs: 300 });
    } finally {
      receiver.answer = answer;
    }
    await close();
  });

  it("gives a webhook 10 s by default", async () => {
    const timingOut = async (): Promise<Response> => {
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    };
    const { delivers } = await resolveIntegrations({ hook: { webhook: { url: receiver.url } } }, {}, { ...project, fetch: timingOut });
    const error = await rejection<DeliveryFailedError>(delivers["hook"]?.(shippedRecord(), context) ?? Promise.resolve());
    expect(error.failure).toEqual({ kind: "timeout", timeoutMs: 10_000 });
  });

  it("connects each nats integration as a Deliver and a publisher, the subject prefix defaulting to the project name", async () => {
    const projectName = nats.prefix("project");
    const explicit = nats.prefix("explicit");
    const resolved = await resolveIntegrations(
      { broker: { nats: { url: "$env.BROKER_URL" } }, other: { nats: { url: NATS_URL, subjectPrefix: explicit } } },
      { BROKER_URL: NATS_URL },
      { projectName },
    );
    try {
      expect(resolved.publishers.map((p) => [p.name, p.publisher.subjectPrefix, p.publisher.stream])).toEqual([
        ["broker", projectName, streamNameFor(projectName)],
        ["other", explicit, streamNameFor(explicit)],
      ]);
      await resolved.delivers["broker"]?.(shippedRecord(), context);
      const [msg] = await nats.messages(streamNameFor(projectName));
      expect(msg?.subject).toBe(`${projectName}.shop.order.order-shipped`);
      expect(msg?.header.get("Nats-Msg-Id")).toBe("d-1");
    } finally {
      await resolved.close();
    }
  });

  it("throws IntegrationUnavailableError when a broker cannot be reached", async () => {
    const port = await closedPort();
    const error = await rejection<IntegrationUnavailableError>(
      resolveIntegrations(
        { "a-broker": { nats: { url: NATS_URL, subjectPrefix: nats.prefix() } }, "b-broker": { nats: { url: `nats://127.0.0.1:${port}` } } },
        {},
        { ...project, natsTimeoutMs: 2000 },
      ),
    );
    expect(error).toBeInstanceOf(IntegrationUnavailableError);
    expect(error.message).toMatch(new RegExp(`^Cannot connect to NATS at nats://127\\.0\\.0\\.1:${port}`));
  });
});

describe("subjectPrefixOf", () => {
  it("makes one subject token of a package name", () => {
    expect(subjectPrefixOf("shop")).toBe("shop");
    expect(subjectPrefixOf("@acme/shop-service")).toBe("acme-shop-service");
    expect(subjectPrefixOf("my.app v2")).toBe("my-app-v2");
    expect(subjectPrefixOf("@@@")).toBe("fluvius");
  });
});
