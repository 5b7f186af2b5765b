import type { Document, LineCounter } from "yaml";

/** A decoded text file, ready to parse. */
export interface TextFile {
  /** Absolute path. */
  readonly path: string;
  /** The path as shown to the user (relative to the working folder). */
  readonly displayPath: string;
  readonly text: string;
}

/**
 * A parsed YAML file. `value` is the plain data every stage reads; `document` and
 * `lineCounter` hold node positions and are only built when a diagnostic needs one.
 */
export interface SourceFile extends TextFile {
  /** The document as plain data (aliases expanded). */
  readonly value: unknown;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/** A path into a document's data: mapping keys and sequence indexes. */
export type DataPath = readonly (string | number)[];
