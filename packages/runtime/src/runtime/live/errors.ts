import { FluviusError } from "../errors.js";

/** A live client's mistake: a channel or position it cannot have, a malformed message (400). */
export class LiveRequestError extends FluviusError {
  readonly status = 400;
  constructor(
    readonly code: "unknown-channel" | "invalid-position" | "invalid-live-message" | "too-many-channels",
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
  override get details(): Record<string, unknown> {
    return this.detail;
  }
}

/** Why the server ended a live stream; the client resumes from its last position. */
export type LiveCloseReason =
  /** It fell too far behind (its messages or changes to read piled up). */
  | "too-slow"
  /** The database failed while reading a change. */
  | "unavailable"
  /** The server is shutting down. */
  | "shutdown";

/** The server has as many live clients as it takes (503); try again later. */
export class LiveCapacityError extends FluviusError {
  readonly code = "too-many-clients";
  readonly status = 503;
}
