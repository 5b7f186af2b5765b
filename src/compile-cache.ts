import type { SpecFile } from "./check/bind.js";
import { CheckCache } from "./check/cache.js";
import { DiagnosticCollector } from "./diagnostics/collector.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { parseYaml } from "./parse/parse.js";
import type { SourceFile, TextFile } from "./parse/source-file.js";
import { validateSpecFile } from "./validate/validate.js";

/** A file's parse and schema validation: the parsed file (when it parsed), its content (when valid), what the two stages reported. */
interface FileResult {
  readonly displayPath: string;
  readonly text: string;
  readonly file?: SourceFile;
  readonly content?: SpecFile["content"];
  readonly parseDiagnostics: readonly Diagnostic[];
  readonly validateDiagnostics: readonly Diagnostic[];
}

/**
 * What one project's successive compiles can share (the language server keeps one per
 * project): each file is parsed and validated once per text, and the domain rules run again
 * only for domains whose files changed. Both stages are pure functions of their input, so a
 * reused result is the one a fresh compile would produce.
 */
export class CompileCache {
  readonly check = new CheckCache();
  readonly #files = new Map<string, FileResult>();

  /** The file's parse (and, when it parsed, its validation), from the cache when its text is the same. */
  file(text: TextFile): FileResult {
    const known = this.#files.get(text.path);
    if (known !== undefined && known.text === text.text && known.displayPath === text.displayPath) return known;
    const parsing = new DiagnosticCollector();
    const file = parseYaml(text, parsing);
    const validating = new DiagnosticCollector();
    const content = file !== undefined && !parsing.hasErrors() ? validateSpecFile(file, validating) : undefined;
    const result: FileResult = {
      displayPath: text.displayPath,
      text: text.text,
      ...(file === undefined ? {} : { file }),
      ...(content === undefined ? {} : { content }),
      parseDiagnostics: parsing.all(),
      validateDiagnostics: validating.all(),
    };
    this.#files.set(text.path, result);
    return result;
  }

  /** Forgets files no longer in the project. */
  retain(paths: ReadonlySet<string>): void {
    for (const path of this.#files.keys()) if (!paths.has(path)) this.#files.delete(path);
  }
}
