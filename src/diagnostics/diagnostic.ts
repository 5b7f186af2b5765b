/** A 1-based position in a source file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A span of source text; `end` is exclusive. */
export interface SourceRange {
  readonly file: string;
  readonly start: Position;
  readonly end: Position;
}

export type Severity = "error" | "warning";

export interface RelatedLocation extends SourceRange {
  readonly message: string;
}

/** A problem found in the user's specs or configuration. Mistakes are values, never exceptions. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** How to fix it, when there is more to say than the message. */
  readonly hint?: string;
  readonly range: SourceRange;
  readonly related: readonly RelatedLocation[];
}

/** Sorts diagnostics by file, position, then code, so output is stable. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.range.file, b.range.file) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.column - b.range.start.column ||
    compareStrings(a.code, b.code) ||
    compareStrings(a.message, b.message)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The range that stands for a whole file (or a path given on the command line). */
export function wholeFile(file: string): SourceRange {
  return { file, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
}
