import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../parse/source-file.js";

/**
 * The findings of the domain rules (those that read only their own domain), kept per domain
 * between checks of one project (the language server's), so an edit re-runs them only for the
 * domain it touched. A domain's entry is reused while it is bound from the very same parsed
 * files: unchanged text parses once (see FileCache), so object identity is the key.
 */
export class CheckCache {
  readonly #byDomain = new Map<string, { readonly files: readonly SourceFile[]; readonly diagnostics: readonly Diagnostic[] }>();

  get(domain: string, files: readonly SourceFile[]): readonly Diagnostic[] | undefined {
    const entry = this.#byDomain.get(domain);
    if (entry === undefined || entry.files.length !== files.length) return undefined;
    return entry.files.every((f, i) => f === files[i]) ? entry.diagnostics : undefined;
  }

  set(domain: string, files: readonly SourceFile[], diagnostics: readonly Diagnostic[]): void {
    this.#byDomain.set(domain, { files, diagnostics });
  }

  /** Forgets domains no longer in the project. */
  retain(domains: ReadonlySet<string>): void {
    for (const name of this.#byDomain.keys()) if (!domains.has(name)) this.#byDomain.delete(name);
  }
}
