/**
 * The one helper for SQL text, shared by the store, the read side, views and the
 * migrations: identifiers and literals are always quoted, values from requests are always
 * parameters. Nothing reaches SQL any other way.
 */

/** `"name"`, with embedded quotes doubled: always safe, whatever the name. */
export function quoteIdent(name: string): string {
  if (name.includes("\0")) throw new Error(`NUL in an SQL identifier: ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."name"`. */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * A string literal, for statements that cannot take parameters (migrations). With a
 * backslash in the text the escape-string form is used (E'…', with backslashes doubled),
 * which reads the same whatever `standard_conforming_strings` says.
 */
export function quoteLiteral(text: string): string {
  if (text.includes("\0")) throw new Error("NUL in an SQL literal");
  const quoted = text.replace(/'/g, "''");
  return text.includes("\\") ? `E'${quoted.replace(/\\/g, "\\\\")}'` : `'${quoted}'`;
}

/** Collects parameter values and hands out their placeholders (`$1`, `$2`, …). */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
