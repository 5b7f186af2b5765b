import { type Code, catalog, type ParamsOf } from "./catalog.js";
import { compareDiagnostics, type Diagnostic, type RelatedLocation, type SourceRange } from "./diagnostic.js";

export interface ReportOptions {
  readonly related?: readonly RelatedLocation[];
  /** Overrides the catalog's general hint with a specific one. */
  readonly hint?: string;
}

/** Collects the diagnostics of a run; every stage reports into one. */
export class DiagnosticCollector {
  readonly #items: Diagnostic[] = [];

  report<C extends Code>(code: C, params: ParamsOf<C>, range: SourceRange, options: ReportOptions = {}): void {
    const entry = catalog[code];
    // The catalog's message functions are typed per code; the cast only widens the parameter.
    const message = (entry.message as (p: ParamsOf<C>) => string)(params);
    const hint = options.hint ?? ("hint" in entry ? entry.hint : undefined);
    this.#items.push({
      code,
      severity: entry.severity,
      message,
      ...(hint === undefined ? {} : { hint }),
      range,
      related: options.related ?? [],
    });
  }

  add(diagnostics: readonly Diagnostic[]): void {
    this.#items.push(...diagnostics);
  }

  /** Everything reported, in the order reported (sorted() for output). */
  all(): readonly Diagnostic[] {
    return [...this.#items];
  }

  get errorCount(): number {
    return this.#items.filter((d) => d.severity === "error").length;
  }

  hasErrors(): boolean {
    return this.#items.some((d) => d.severity === "error");
  }

  /** Sorted and de-duplicated (one problem reached twice is reported once). */
  sorted(): Diagnostic[] {
    const seen = new Set<string>();
    return [...this.#items].sort(compareDiagnostics).filter((d) => {
      const key = `${d.range.file}:${d.range.start.line}:${d.range.start.column}:${d.code}:${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
