import type { SourceRange } from "../diagnostics/diagnostic.js";
import { type Part, rangeAt } from "../parse/locate.js";
import type { DataPath, SourceFile } from "../parse/source-file.js";
import type { DeclaredFieldModel, FieldModel, Site } from "./model.js";

/** No spec has this key (names are validated), so looking it up finds where a missing child points. */
const ABSENT = "\u0000";

/**
 * The site of the node at `path` (`part`: its key, or its value for a list item or a scalar);
 * `within` is the node whose body `inner` is, when not that one.
 * Its ranges are computed when first read, once: positions need `yaml`'s parse of the file,
 * about ten times js-yaml's, which only a diagnostic (or writing the model's JSON) should pay
 * for. Read, they are plain data, as a site read back from JSON is.
 */
export function siteAt(file: SourceFile, path: DataPath, part: Part = "key", within: DataPath = path): Site {
  let range: SourceRange | undefined;
  let inner: SourceRange | undefined;
  return {
    get range() {
      return (range ??= rangeAt(file, path, part));
    },
    get inner() {
      return (inner ??= rangeAt(file, [...within, ABSENT], "key"));
    },
  };
}

/** Fields of the mapping at `path` (lowered in its order) with their sites. */
export function declaredFields(fields: readonly FieldModel[], file: SourceFile, path: DataPath): DeclaredFieldModel[] {
  return fields.map((f) => ({ ...f, site: siteAt(file, [...path, f.name]) }));
}
