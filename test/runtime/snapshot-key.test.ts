import { describe, expect, test } from "vitest";
import { snapshotKey } from "@fluvius/runtime";
import { account } from "./fixtures/banking-account.js";

type State = Parameters<typeof account.evolve>[0];

describe("the snapshot key", () => {
  test("starts with the spec's hash and depends on the source of the fold's functions, not on their identity", () => {
    const step = () => (state: State) => state;
    const a = snapshotKey({ ...account, evolveSteps: [step()] });
    const b = snapshotKey({ ...account, evolveSteps: [step()] });
    expect(a).toBe(b);
    expect(a.startsWith(`${account.specHash}.`)).toBe(true);
  });

  test("changes when a hand-written evolve step, an upcaster, evolve or the spec hash changes", () => {
    const base = snapshotKey(account);
    const edited = (state: State) => ({ ...state, status: "frozen" as const });
    expect(snapshotKey({ ...account, evolveSteps: [edited] })).not.toBe(base);
    const upcaster = (data: never) => ({ ...(data as object), reference: null });
    const events = { ...account.events, "withdrawal-made": { ...account.events["withdrawal-made"], upcasters: { 1: upcaster } } };
    expect(snapshotKey({ ...account, events })).not.toBe(base);
    expect(snapshotKey({ ...account, evolve: (state: State) => state })).not.toBe(base);
    expect(snapshotKey({ ...account, specHash: "other" })).not.toBe(base);
  });
});
