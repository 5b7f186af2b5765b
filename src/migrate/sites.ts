import type { BoundDomain } from "../check/bind.js";
import type { SourceRange } from "../diagnostics/diagnostic.js";
import { rangeAt } from "../parse/locate.js";
import type { SiteRef } from "./snapshot.js";

/**
 * Where a migration diagnostic points: the spec's field, aggregate or domain when it still
 * exists, else `fallback` (the snapshot the change was computed from, say).
 */
export function rangeOf(domains: readonly BoundDomain[] | undefined, site: SiteRef, fallback: SourceRange): SourceRange {
  const domain = site.domain === undefined ? undefined : domains?.find((d) => d.name === site.domain);
  if (!domain) return fallback;
  const aggregate = site.aggregate === undefined ? undefined : domain.aggregates.get(site.aggregate);
  if (aggregate) {
    if (site.field !== undefined && aggregate.spec.state && Object.hasOwn(aggregate.spec.state, site.field)) {
      return rangeAt(aggregate.file, [...aggregate.path, "state", site.field], "key");
    }
    if (site.state === true || site.field !== undefined) return rangeAt(aggregate.file, [...aggregate.path, "state"], "key");
    return rangeAt(aggregate.file, aggregate.path, "key");
  }
  const file = domain.files[0];
  return file ? rangeAt(file.file, ["domain"], "value") : fallback;
}
