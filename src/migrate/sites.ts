import type { SourceRange } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/model.js";
import type { SiteRef } from "./snapshot.js";

/**
 * Where a migration diagnostic points: the spec's field, aggregate or domain when it still
 * exists, else `fallback` (the snapshot the change was computed from, say).
 */
export function rangeOf(model: Model | undefined, site: SiteRef, fallback: SourceRange): SourceRange {
  const domain = site.domain === undefined ? undefined : model?.domains.find((d) => d.name === site.domain);
  if (!domain) return fallback;
  const aggregate = site.aggregate === undefined ? undefined : domain.aggregates.find((a) => a.name === site.aggregate);
  if (aggregate) {
    const field = site.field === undefined ? undefined : aggregate.state.find((f) => f.name === site.field);
    if (field) return field.site.range;
    // The `state` key, or where it would be written.
    if (site.state === true || site.field !== undefined) return aggregate.sections.state?.range ?? aggregate.site.inner;
    return aggregate.site.range;
  }
  return domain.site.range;
}
