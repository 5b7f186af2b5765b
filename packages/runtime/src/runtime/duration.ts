/**
 * Durations as the spec and fluvius.yaml write them (`after: 30m`, `timeout: 10s`). The one
 * implementation: the compiler (src/model/reaction-values.ts) re-exports it, the runtime reads
 * integration timeouts with it.
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+)(ms|s|m|h|d|w)/g;
/** Longer than any timer needs; keeps the milliseconds an exact integer. */
export const MAX_DURATION_MS = 10 * 366 * 86_400_000;

/** `90s`, `30m`, `1h30m`, `2d`, `1w` in milliseconds; undefined when it is not a duration or out of range. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit ?? ""] ?? Number.NaN);
  return Number.isSafeInteger(total) && total > 0 && total <= MAX_DURATION_MS ? total : undefined;
}
