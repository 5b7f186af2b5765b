import type { Document, LineCounter } from "yaml";

/** A decoded text file, ready to parse. */
export interface TextFile {
  /** Absolute path. */
  readonly path: string;
  /** The path as shown to the user (relative to the working folder). */
  readonly displayPath: string;
  readonly text: string;
}

/** A parsed YAML file: the document keeps every node's position for diagnostics. */
export interface SourceFile extends TextFile {
  readonly lineCounter: LineCounter;
  readonly document: Document.Parsed;
  /** The document as plain data (aliases expanded). */
  readonly value: unknown;
}

/** A path into a document's data: mapping keys and sequence indexes. */
export type DataPath = readonly (string | number)[];
