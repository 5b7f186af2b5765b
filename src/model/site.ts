import type { SourceRange } from "../diagnostics/diagnostic.js";
import { type Part, rangeAt } from "../parse/locate.js";
import type { DataPath, SourceFile } from "../parse/source-file.js";
import type { DeclaredFieldModel, FieldModel, Site } from "./model.js";

/** No spec has this key (names are validated), so looking it up finds where a missing child points. */
const ABSENT = "\u0000";

/**
 * The site of the node at `path` (`part`: its key, or its value for a list item or a scalar);
 * `within` is the node whose body `inner` is, when not that one.
 */
export function siteAt(file: SourceFile, path: DataPath, part: Part = "key", within: DataPath = path): Site {
  return new LazySite(file, path, part, within);
}

/**
 * A site whose ranges are computed when first read, once: positions need `yaml`'s parse of
 * the file, about ten times js-yaml's, which only a diagnostic (or writing the model's JSON)
 * should pay for. A class, not an object literal with getters: lowering makes one per field,
 * and those literals are ten times slower to create. Written as JSON, it is the plain data a
 * site read back from JSON is.
 */
class LazySite implements Site {
  readonly #file: SourceFile;
  readonly #path: DataPath;
  readonly #part: Part;
  readonly #within: DataPath;
  #range: SourceRange | undefined;
  #inner: SourceRange | undefined;

  constructor(file: SourceFile, path: DataPath, part: Part, within: DataPath) {
    this.#file = file;
    this.#path = path;
    this.#part = part;
    this.#within = within;
  }

  get range(): SourceRange {
    return (this.#range ??= rangeAt(this.#file, this.#path, this.#part));
  }

  get inner(): SourceRange {
    return (this.#inner ??= rangeAt(this.#file, [...this.#within, ABSENT], "key"));
  }

  toJSON(): Site {
    return { range: this.range, inner: this.inner };
  }
}

/** Fields of the mapping at `path` (lowered in its order) with their sites. */
export function declaredFields(fields: readonly FieldModel[], file: SourceFile, path: DataPath): DeclaredFieldModel[] {
  return fields.map((f) => ({ ...f, site: siteAt(file, [...path, f.name]) }));
}
