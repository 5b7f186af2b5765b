import { afterAll, beforeAll, describe } from "vitest";
import type { Backend } from "../helpers/backends.js";
import { auditTests } from "./audit.js";
import { commandTests } from "./commands.js";
import type { SuiteContext } from "./context.js";
import { idempotencyTests } from "./idempotency.js";
import { isolationTests } from "./isolation.js";
import { listTests } from "./lists.js";
import { reactionTests } from "./reactions.js";
import { replayTests } from "./replay.js";
import { snapshotTests } from "./snapshots.js";
import { storeTests } from "./store.js";
import { subscriptionTests } from "./subscriptions.js";
import { uniqueTests } from "./unique.js";

/**
 * One conformance suite for every EventStore backend: the same behaviour is required of
 * PostgreSQL and PGlite. Tests share the backend and stay apart by tenant.
 */
export function conformanceSuite(open: () => Promise<Backend>): void {
  let backend: Backend | undefined;
  const ctx: SuiteContext = {
    get backend() {
      if (!backend) throw new Error("backend not open");
      return backend;
    },
  };
  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend?.close();
  });

  describe("event store", () => storeTests(ctx));
  describe("command pipeline", () => commandTests(ctx));
  describe("creator and updater", () => auditTests(ctx));
  describe("idempotency", () => idempotencyTests(ctx));
  describe("snapshots, time travel, upcasting", () => snapshotTests(ctx));
  describe("tenant isolation", () => isolationTests(ctx));
  describe("lists", () => listTests(ctx));
  describe("replay", () => replayTests(ctx));
  describe("subscriptions", () => subscriptionTests(ctx));
  describe("reactions", () => reactionTests(ctx));
  describe("unique values, natural keys, checked refs", () => uniqueTests(ctx));
}
