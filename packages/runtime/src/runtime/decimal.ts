import BigModule from "big.js";

/**
 * Exact decimals for money: values are strings ("10.50") in TypeScript, JSON and the event
 * log, `numeric` in SQL. Arithmetic keeps the larger scale of its operands, so
 * add("0.10", "0.20") === "0.30", and never goes through a float.
 */

// A private constructor: strict (numbers are refused, they may already be inexact) and
// with its own settings, so nothing else in the process can change how money rounds.
const Big = BigModule();
Big.strict = true;
Big.RM = Big.roundHalfUp; // half away from zero, like PostgreSQL's numeric

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function isDecimal(value: unknown): value is string {
  return typeof value === "string" && DECIMAL.test(value);
}

function parse(value: string): BigModule.Big {
  if (!DECIMAL.test(value)) throw new TypeError(`Not a decimal string: ${JSON.stringify(value)}`);
  return new Big(value);
}

/** toFixed, without the "-0.00" big.js keeps for a negative value that rounds to zero. */
function fixed(value: BigModule.Big, scale: number): string {
  const text = value.toFixed(scale);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** Digits after the point: scaleOf("10.50") === 2. */
export function scaleOf(value: string): number {
  const dot = value.indexOf(".");
  return dot === -1 ? 0 : value.length - dot - 1;
}

export function add(a: string, b: string): string {
  return fixed(parse(a).plus(parse(b)), Math.max(scaleOf(a), scaleOf(b)));
}

export function subtract(a: string, b: string): string {
  return fixed(parse(a).minus(parse(b)), Math.max(scaleOf(a), scaleOf(b)));
}

/** -1, 0 or 1; "1.0" and "1.00" are equal. */
export function compare(a: string, b: string): -1 | 0 | 1 {
  return parse(a).cmp(parse(b));
}

/** Rounds (half away from zero) or pads to exactly `scale` digits: normalise("2.5", 2) === "2.50". */
export function normalise(value: string, scale: number): string {
  return fixed(parse(value), scale);
}

export const decimal = { add, subtract, compare, normalise, isDecimal, scaleOf } as const;
