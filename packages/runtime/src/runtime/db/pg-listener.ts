import pg from "pg";

/**
 * LISTEN on one channel over a connection of its own (a pooled one would be handed to other
 * queries, and a LISTEN lives as long as its session). A lost connection is opened again
 * with backoff; notifications sent meanwhile are lost, so each reconnect reports `undefined`
 * ("anything may have happened"). Listeners must treat notifications as hints: polling
 * stays the fallback for whatever a notification did not say.
 */
export interface ChannelListener {
  stop(): Promise<void>;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

export function listenOnChannel(config: pg.ClientConfig, channel: string, onNotify: (payload: string | undefined) => void): ChannelListener {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  const reconnectLater = () => {
    if (stopped || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, retryMs);
    retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client(config);
    // A lost connection must not crash the process: it is opened again.
    next.on("error", () => {
      next.end().catch(() => undefined);
      if (client === next) client = undefined;
      reconnectLater();
    });
    next.on("end", () => {
      if (client === next) client = undefined;
      reconnectLater();
    });
    next.on("notification", (message) => {
      if (message.channel === channel) onNotify(message.payload);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch {
      await next.end().catch(() => undefined);
      reconnectLater();
      return;
    }
    if (stopped) {
      await next.end().catch(() => undefined);
      return;
    }
    const reconnected = client === undefined && retryMs > RETRY_MIN_MS;
    client = next;
    retryMs = RETRY_MIN_MS;
    if (reconnected) onNotify(undefined);
  }

  const started = connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await started;
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
