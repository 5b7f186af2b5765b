import { FluviusError } from "../errors.js";

/** A list query the API cannot run: unknown field or operator, a malformed value (400). */
export class InvalidQueryError extends FluviusError {
  readonly code = "invalid-query";
  readonly status = 400;
  constructor(
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
  override get details(): Record<string, unknown> {
    return this.detail;
  }
}
