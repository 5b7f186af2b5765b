import type { ColumnKind, NaturalKey } from "./definition.js";
import { uuidV5 } from "./uuid-v5.js";

/**
 * The stream id of an aggregate with a natural key (`id: { from: sku }`): the UUID v5 of
 * (domain, aggregate, value). The same in every tenant, which is harmless: streams are
 * keyed by tenant too. A second create with the same value meets the first stream
 * (409 stream-exists), and `GET …/by/<field>/<value>` finds it without a lookup table.
 */
export function naturalKeyId(domain: string, aggregate: string, value: string): string {
  return uuidV5(`natural-key\n${domain}\n${aggregate}\n${value}`);
}

/**
 * A key value in its one spelling, from a checked payload (a string or an integer) or from
 * a URL segment (always a string): integers without leading zeros, uuids in lowercase.
 * undefined when the text cannot be a value of the key's kind.
 */
export function naturalKeyValue(key: NaturalKey, value: unknown): string | undefined {
  const kind: ColumnKind | undefined = key.kind;
  if (kind === "integer") {
    const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d{1,16}$/.test(value) ? Number(value) : NaN;
    return Number.isSafeInteger(n) ? String(n) : undefined;
  }
  if (typeof value !== "string") return undefined;
  return kind === "uuid" || kind === "ref" ? value.toLowerCase() : value;
}
