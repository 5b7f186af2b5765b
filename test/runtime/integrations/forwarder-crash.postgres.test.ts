/**
 * kill -9 in the middle of a forwarder pass (a real process on PostgreSQL, npm test builds
 * dist/ first): the next pass publishes again what the dead one published after its last
 * checkpoint, and the JetStream stream still holds each public event once, in commit order.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectNatsPublisher, forwardPublicEvents, forwarderSubscription, type NatsPublisher, type PublishAck } from "@fluvius/runtime";
import { repoRoot } from "../../helpers/fixtures.js";
import { freshTenant, postgresBackend, type Backend } from "../helpers/backends.js";
import { NATS_URL, natsFixture, type NatsFixture } from "./nats-helpers.js";
import { recordShopEvents } from "./shop.js";

let backend: Backend;
let nats: NatsFixture;
let publisher: NatsPublisher | undefined;
beforeAll(async () => {
  [backend, nats] = await Promise.all([postgresBackend(), natsFixture()]);
});
afterAll(async () => {
  await publisher?.close();
  await Promise.all([nats?.cleanUp(), backend?.close()]);
});

const publicEvents = { streamTypes: ["shop.order"], isPublic: (_streamType: string, type: string) => type === "order-placed" || type === "order-shipped" };

/** A forwarder process that publishes slowly and says so after each publish. */
const FORWARDER_SCRIPT = `
import { createStore, pgDatabase, connectNatsPublisher, forwardPublicEvents } from ${JSON.stringify(path.join(repoRoot, "packages/runtime/dist/runtime/index.js"))};
const [url, natsUrl, prefix, name] = process.argv.slice(1);
const store = createStore(pgDatabase({ connectionString: url }));
const publisher = await connectNatsPublisher({ url: natsUrl, subjectPrefix: prefix });
const slow = {
  publishEvent: async (event) => {
    await publisher.publishEvent(event);
    process.stdout.write("published " + event.eventId + "\\n");
    await new Promise((resolve) => setTimeout(resolve, 40));
  },
};
const publicEvents = { streamTypes: ["shop.order"], isPublic: (_streamType, type) => type === "order-placed" || type === "order-shipped" };
for (;;) await forwardPublicEvents(store, { name, publisher: slow, publicEvents, batchSize: 5 });
`;

describe("the forwarder killed mid-pass", () => {
  it("publishes again after kill -9, and the stream keeps each public event once, in order", async () => {
    const recorded = await recordShopEvents(backend.store, [freshTenant("k")], 10);
    const expected = recorded.filter((e) => e.public).map((e) => e.eventId);
    expect(expected).toHaveLength(20);
    const prefix = nats.prefix("kill");
    const name = "broker";

    const child = spawn(process.execPath, ["--input-type=module", "-e", FORWARDER_SCRIPT, backend.url ?? "", NATS_URL, prefix, name], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const seen: string[] = [];
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the forwarder did not publish 7 events:\n${output}`)), 60_000);
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        seen.splice(0, seen.length, ...[...output.matchAll(/^published (\S+)$/gm)].map((m) => m[1] ?? ""));
        // In the second batch of five: the first is checkpointed, the second is not.
        if (seen.length >= 7) {
          clearTimeout(timer);
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.once("exit", (code) => reject(new Error(`the forwarder exited with ${code}:\n${output}`)));
    });
    await exited;
    expect(seen.slice(0, 7)).toEqual(expected.slice(0, 7));

    const p = await connectNatsPublisher({ url: NATS_URL, subjectPrefix: prefix });
    publisher = p;
    const acks: PublishAck[] = [];
    // The dead process saved its checkpoint after each batch of five events read …
    const checkpoint = await backend.store.loadCheckpoint(forwarderSubscription(name));
    const stored = await backend.store.readCommitted({ after: { transactionId: 0n, position: 0n }, limit: 100_000 });
    const upToCheckpoint = new Set(
      stored
        .filter((e) => e.transactionId < checkpoint.transactionId || (e.transactionId === checkpoint.transactionId && e.position <= checkpoint.position))
        .map((e) => e.eventId),
    );
    const checkpointed = expected.filter((id) => upToCheckpoint.has(id)).length;
    expect(checkpointed).toBeGreaterThanOrEqual(1);
    expect(checkpointed).toBeLessThanOrEqual(seen.length);
    // … and the next pass starts after it.
    const published = await forwardPublicEvents(backend.store, {
      name,
      publisher: { publishEvent: async (e) => acks.push(await p.publishEvent(e)) },
      publicEvents,
    });
    expect(published).toBe(20 - checkpointed);
    // … so it published again what that process had published after it, and the stream dropped those copies.
    const republished = acks.filter((a) => a.duplicate).length;
    expect(republished).toBeGreaterThanOrEqual(seen.length - checkpointed);
    expect(republished).toBeGreaterThan(0);
    expect(acks.slice(0, republished).every((a) => a.duplicate)).toBe(true);
    const ids = (await nats.messages(p.stream)).map((m) => m.header.get("Nats-Msg-Id"));
    expect(ids).toEqual(expected);
  });
});
