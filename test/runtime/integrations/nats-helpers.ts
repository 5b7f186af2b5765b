import { randomBytes } from "node:crypto";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type StoredMsg } from "@nats-io/jetstream";

/** The NATS server with JetStream that the tests (and CI, .ci/run) run on. Never skipped: a missing server fails. */
export const NATS_URL = process.env["FLUVIUS_TEST_NATS"] ?? "nats://127.0.0.1:4222";

export interface NatsFixture {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** A subject prefix no other run uses: `fvt_<random>`. */
  prefix(label?: string): string;
  /** Deletes every stream whose name starts with FLUVIUS_FVT_<run> (or was registered), then closes. */
  cleanUp(): Promise<void>;
  /** Registers a stream made by a test under another name, for cleanUp. */
  track(stream: string): void;
  /** Every message of a stream, oldest first. */
  messages(stream: string): Promise<StoredMsg[]>;
}

export async function natsFixture(): Promise<NatsFixture> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: NATS_URL, timeout: 5000 });
  } catch (error) {
    throw new Error(
      `The NATS tests need nats-server with JetStream at ${NATS_URL} (.ci/run starts it: nats-server -a 127.0.0.1 -p 4222 -js): ${String(error)}`,
      { cause: error },
    );
  }
  const jsm = await jetstreamManager(nc);
  const run = randomBytes(4).toString("hex");
  const tracked = new Set<string>();
  let n = 0;
  return {
    nc,
    js: jetstream(nc),
    jsm,
    prefix: (label = "p") => `fvt_${run}_${label}${n++}`,
    track: (stream) => tracked.add(stream),
    async messages(stream) {
      const info = await jsm.streams.info(stream);
      const out: StoredMsg[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const msg = await jsm.streams.getMessage(stream, { seq });
        if (msg) out.push(msg);
      }
      return out;
    },
    async cleanUp() {
      const ours = `FLUVIUS_FVT_${run.toUpperCase()}_`;
      for await (const name of jsm.streams.names()) if (name.startsWith(ours)) tracked.add(name);
      for (const name of tracked) await jsm.streams.delete(name).catch(() => undefined);
      await nc.close();
    },
  };
}
