import type { LineCounter } from "yaml";
import { indexFile } from "./index-file.js";
import type { FileIndex, Occurrence, SymbolKind } from "./symbols.js";

/** The symbols of a project's files, for completion, hover, definition, references and rename. */
export class SymbolIndex {
  readonly #files = new Map<string, FileIndex>();

  update(path: string, text: string): FileIndex {
    const known = this.#files.get(path);
    if (known?.text === text) return known;
    const index = indexFile(path, text);
    this.#files.set(path, index);
    return index;
  }

  /** Keeps only these files (a file left the project or was deleted). */
  retain(paths: Iterable<string>): void {
    const keep = new Set(paths);
    for (const p of [...this.#files.keys()]) if (!keep.has(p)) this.#files.delete(p);
  }

  file(path: string): FileIndex | undefined {
    return this.#files.get(path);
  }

  at(path: string, offset: number): Occurrence | undefined {
    return this.#files.get(path)?.occurrences.find((o) => o.start <= offset && offset <= o.end);
  }

  occurrences(key: string): Occurrence[] {
    return [...this.#files.values()].flatMap((f) => f.occurrences.filter((o) => o.key === key));
  }

  declarations(key: string): Occurrence[] {
    return this.occurrences(key).filter((o) => o.declaration);
  }

  /** Declared names of a kind in a domain (and owner), with their declarations. */
  declared(domain: string, kind: SymbolKind, owner?: string): Occurrence[] {
    const seen = new Set<string>();
    const out: Occurrence[] = [];
    for (const f of this.#files.values())
      for (const o of f.occurrences)
        if (o.declaration && o.symbol.kind === kind && o.symbol.domain === domain && o.symbol.owner === owner && !seen.has(o.symbol.name)) {
          seen.add(o.symbol.name);
          out.push(o);
        }
    return out;
  }

  lineCounterOf(path: string): LineCounter | undefined {
    return this.#files.get(path)?.lineCounter;
  }
}
