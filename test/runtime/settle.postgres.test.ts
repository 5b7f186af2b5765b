import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catchUp, drainReactions, settle, SettleTimeoutError, type StoredEvent } from "@fluvius/runtime";
import { SERVER_URL } from "../helpers/postgres.js";
import { freshTenant, pgliteBackend, postgresBackend, type Backend } from "./helpers/backends.js";

/**
 * Transaction ids are server-wide: a transaction open in another database of the same server
 * holds this database's later commits behind the catch-up fence. Nothing is lost, it arrives
 * later; settle waits for that, and drainReactions does not call the work done before it.
 */
let backend: Backend;
beforeAll(async () => {
  backend = await postgresBackend(4);
});
afterAll(async () => {
  await backend?.close();
});

const event = { type: "happened", schemaVersion: 1, data: {} };

/** A transaction with an id, open in the server's `test` database (not the store's) until ended. */
async function openTransactionElsewhere() {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  await client.query("BEGIN");
  await client.query("SELECT pg_current_xact_id()");
  return {
    async end() {
      await client.query("COMMIT");
      await client.end();
    },
  };
}

async function appendOne(tenant: string) {
  await backend.store.forTenant(tenant).append("test.fenced", randomUUID(), [event], { expected: "no-stream" });
}

describe("an older transaction in another database of the server", () => {
  it("holds a commit behind the fence; settle waits until it ends, then catch-up delivers it", async () => {
    const tenant = freshTenant();
    const other = await openTransactionElsewhere();
    const seen: StoredEvent[] = [];
    const options = { name: `fenced-${tenant}`, tenant, handle: (e: StoredEvent) => void seen.push(e) };
    try {
      await appendOne(tenant);
      expect(await catchUp(backend.store, options)).toBe(0);
      setTimeout(() => void other.end(), 300);
      expect(await settle(backend.store)).toBe(true);
    } finally {
      await other.end().catch(() => undefined);
    }
    expect(await catchUp(backend.store, options)).toBe(1);
    // Nothing fenced now: settle returns at once, saying it did not wait.
    expect(await settle(backend.store)).toBe(false);
  });

  it("drainReactions keeps going until the fenced events are delivered", async () => {
    const tenant = freshTenant();
    const other = await openTransactionElsewhere();
    const seen: string[] = [];
    const audit = {
      name: `audit-${tenant}`,
      pass: () => catchUp(backend.store, { name: `audit-${tenant}`, tenant, handle: (e: StoredEvent) => void seen.push(e.streamId) }),
    };
    try {
      await appendOne(tenant);
      await appendOne(tenant);
      setTimeout(() => void other.end(), 200);
      // Before settle, the first round found nothing and drain returned 0 with both events undelivered.
      expect(await drainReactions(backend.store, { domains: [], workers: [audit] })).toBe(2);
      expect(seen).toHaveLength(2);
    } finally {
      await other.end().catch(() => undefined);
    }
  });

  it("drainReactions runs another round when the fence moved while its empty round ran", async () => {
    const tenant = freshTenant();
    const other = await openTransactionElsewhere();
    const seen: string[] = [];
    let passes = 0;
    const audit = {
      name: `audit-${tenant}`,
      async pass() {
        const delivered = await catchUp(backend.store, { name: `audit-${tenant}`, tenant, handle: (e: StoredEvent) => void seen.push(e.streamId) });
        // The older transaction ends after this pass read (nothing) and before drain decides it is done.
        if (passes++ === 0) await other.end();
        return delivered;
      },
    };
    try {
      await appendOne(tenant);
      // Before the fix, drain settled after the empty round, found nothing fenced any more, and returned 0.
      expect(await drainReactions(backend.store, { domains: [], workers: [audit] })).toBe(1);
      expect(seen).toHaveLength(1);
    } finally {
      await other.end().catch(() => undefined);
    }
  });

  it("a transaction left open is a SettleTimeoutError that says where to look", async () => {
    const other = await openTransactionElsewhere();
    try {
      await appendOne(freshTenant());
      const waiting = settle(backend.store, { timeoutMs: 200 });
      await expect(waiting).rejects.toBeInstanceOf(SettleTimeoutError);
      await expect(waiting).rejects.toThrow(/idle in transaction.*pg_stat_activity/);
    } finally {
      await other.end();
    }
  });
});

it("on the embedded database nothing is ever fenced: settle returns at once", async () => {
  const embedded = await pgliteBackend();
  try {
    await embedded.store.forTenant(freshTenant()).append("test.fenced", randomUUID(), [event], { expected: "no-stream" });
    expect(await settle(embedded.store)).toBe(false);
  } finally {
    await embedded.close();
  }
});
