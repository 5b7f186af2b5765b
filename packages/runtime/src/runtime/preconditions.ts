import type { PreconditionResult } from "./definition.js";

/**
 * The spec's `when: { status: open }` / `{ status: [open, frozen] }` as a function:
 * generated code writes `when: fieldIn("status", ["open"])`.
 */
export function fieldIn<S>(field: keyof S & string, values: readonly unknown[]): (state: S) => PreconditionResult {
  return (state) => {
    const actual = state[field];
    if (values.includes(actual)) return null;
    const wanted = values.length === 1 ? String(values[0]) : `one of ${values.map(String).join(", ")}`;
    return { message: `${field} must be ${wanted} (it is ${String(actual)}).`, field, expected: values, actual: actual ?? null };
  };
}

/** All conditions of a `when` with several fields; the first that fails is reported. */
export function allOf<S>(...conditions: readonly ((state: S) => PreconditionResult)[]): (state: S) => PreconditionResult {
  return (state) => {
    for (const condition of conditions) {
      const failed = condition(state);
      if (failed !== null) return failed;
    }
    return null;
  };
}
