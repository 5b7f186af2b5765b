/**
 * Text the database cannot store: PostgreSQL refuses NUL in text and jsonb, and a lone UTF-16
 * surrogate has no UTF-8 form (jsonb refuses its escape). Such input is refused up front
 * (400/401/422) rather than failing in SQL.
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The dotted path of the first string (value or key) in a JSON value that cannot be stored, or undefined. */
export function unstorablePath(value: unknown, path: readonly string[] = []): string | undefined {
  if (typeof value === "string") return isStorableText(value) ? undefined : path.join(".");
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return [...path, key].join(".");
    const found = unstorablePath(item, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

export const UNSTORABLE_MESSAGE = "must not contain NUL characters or unpaired UTF-16 surrogates";
