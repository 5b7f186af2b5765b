import { InvalidArgumentError } from "./errors.js";

/** Who runs a command or a query; the HTTP layer builds it from the JWT. */
export interface Actor {
  readonly id: string;
  /** Every stream access is scoped to this tenant; there is no other way to name one. */
  readonly tenant: string;
  readonly roles: readonly string[];
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** Subscription checkpoints over all tenants are keyed by this; no tenant may be called so. */
export const ALL_TENANTS = "*";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A UUID in lower case (PostgreSQL's spelling, so ids compare as strings); any other string as it is. */
export function canonicalId(value: string): string {
  return isUuid(value) ? value.toLowerCase() : value;
}

export function assertTenant(tenant: unknown): asserts tenant is string {
  if (typeof tenant !== "string" || tenant.length === 0 || tenant.length > 200 || tenant === ALL_TENANTS) {
    throw new InvalidArgumentError(`Invalid tenant ${JSON.stringify(tenant)}: a non-empty string (at most 200 characters, not "*").`);
  }
}

/** Stream ids are UUIDs; returned in PostgreSQL's lower-case spelling so ids compare as strings. */
export function streamIdOf(streamId: unknown): string {
  if (typeof streamId !== "string" || !isUuid(streamId)) {
    throw new InvalidArgumentError(`Invalid stream id ${JSON.stringify(streamId)}: a UUID.`);
  }
  return streamId.toLowerCase();
}
