import { expect, it } from "vitest";
import { WakeablePause } from "@fluvius/runtime/internal/runtime/wake";

it("a wake ends the current pause, and one that comes between pauses ends the next at once", async () => {
  const pause = new WakeablePause();
  const waiting = pause.pause(60_000);
  pause.wake();
  expect(await waiting).toBe(true);

  pause.wake(); // while the worker was busy reading
  const started = Date.now();
  expect(await pause.pause(60_000)).toBe(true);
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(await pause.pause(5)).toBe(false); // that wake is used up
});

it("after a wake, idle waits short before it goes back to the poll interval", async () => {
  const pause = new WakeablePause();
  pause.wake();
  await pause.idle(60_000); // woken at once
  const started = Date.now();
  for (let i = 0; i < 3; i++) await pause.idle(60_000);
  expect(Date.now() - started).toBeLessThan(5_000);
  const next = pause.idle(60_000);
  const outcome = await Promise.race([next.then(() => "returned"), new Promise((r) => setTimeout(() => r("still waiting"), 500))]);
  expect(outcome).toBe("still waiting");
  pause.wake();
  await next;
});
