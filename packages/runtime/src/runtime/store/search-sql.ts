import { quoteIdent } from "../db/sql-text.js";

/**
 * Text search (`text=` on lists) with PostgreSQL's full-text search: the row's searchable
 * columns as one `tsvector`, with the language-neutral `simple` configuration (lower-cased
 * words, no stemming, no stop words). Migrations create a GIN index on exactly this
 * expression (src/emit/sql/read-model-table.ts); a table without it is searched all the same,
 * by a scan. Substrings inside a word are the filter language's `has`.
 */
export function searchVectorSql(columns: readonly string[], table?: string): string {
  const column = (c: string) => (table === undefined ? quoteIdent(c) : `${table}.${quoteIdent(c)}`);
  const text = columns.map((c) => `coalesce(${column(c)}, '')`).join(` || ' ' || `);
  return `to_tsvector('simple'::regconfig, ${text === "" ? "''" : text})`;
}

/**
 * The tsquery of what a user typed: every word must start a word of the row (`mug blu` finds
 * "Blue mug"). Only letters and digits make words, so no input is tsquery syntax; undefined
 * when there is no word at all.
 */
export function searchQueryText(text: string): string | undefined {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length === 0 ? undefined : words.map((w) => `${w}:*`).join(" & ");
}
