import { type Document, LineCounter, parseDocument } from "yaml";

export interface LocatedDocument {
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/** How many recent texts keep their parse: an editor's open files, and a CLI run's files with findings. */
const KEPT = 8;
const recent = new Map<string, LocatedDocument>();

/**
 * `yaml`'s document of a text, with positions (tolerant: errors are in the document, not
 * thrown), parsed once per text. It is the costly part of an edit in the language server, where
 * the symbol index and the positions of a spec's diagnostics read the same text. Callers only
 * read it.
 */
export function locatedDocument(text: string): LocatedDocument {
  const known = recent.get(text);
  if (known !== undefined) {
    // Most recent last, so the oldest goes first.
    recent.delete(text);
    recent.set(text, known);
    return known;
  }
  const lineCounter = new LineCounter();
  const located = { document: parseDocument(text, { lineCounter, uniqueKeys: false, strict: false }), lineCounter };
  recent.set(text, located);
  if (recent.size > KEPT) recent.delete(recent.keys().next().value as string);
  return located;
}
