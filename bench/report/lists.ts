/** Section 2.8 of BENCHMARKS.md: lists at scale. */
import type { Stats } from "../lib/measure.js";
import type { BackendFigures } from "../runtime/index.js";
import type { ListCase } from "../runtime/subjects/lists.js";

const n = (value: number) => value.toLocaleString("en-US");
const range = (s: Stats, f: (v: number) => string) => `${f(s.median)} <sub>(${f(s.min)}–${f(s.max)})</sub>`;
const ms = (v: number) => v.toFixed(v < 10 ? 2 : 1);
const ratio = (v: number) => `${v.toFixed(2)}×`;

const LABELS = (deepPage: number): Record<ListCase, string> => ({
  "page-1": "open accounts (90%), `sort=balance.desc`, page 1",
  "deep-page": `the same, page ${n(deepPage)}`,
  text: "`text=frozen` (9%), newest first, page 1",
  own: "a customer's own accounts (read rule `customerId = $actor.id`), page 1",
});

function listTable(b: BackendFigures): string[] {
  const l = b.lists;
  if (!l) return [];
  const labels = LABELS(l.deepPage);
  return [
    `#### ${b.backend === "postgres" ? "PostgreSQL" : "PGlite"}: ${n(l.rows)} rows in one tenant, pages of 25`,
    "",
    "| list | runtime, ms per read | floor: its statements run directly | runtime reads/s over the floor's | with an exact count, ms | runtime reads/s over exact count's | total reported |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...l.cases.map(
      (c) =>
        `| ${labels[c.case]} | ${range(c.ms.runtime, ms)} | ${range(c.ms.raw, ms)} | ${range(c.vsRaw, ratio)} | ${range(c.ms["exact-count"], ms)} | ${range(c.vsExactCount, ratio)} | ${n(c.total)} |`,
    ),
    "",
  ];
}

export function listSections(backends: readonly BackendFigures[]): string[] {
  if (!backends.some((b) => b.lists)) return [];
  return [
    "### 2.8 Lists at scale",
    "",
    "The banking account's read model, filled by `INSERT … SELECT generate_series` with the indexes the migrations create for it when `balance` is marked `index: true` (bench/runtime/subjects/lists.ts). Each list is read one at a time for the measured seconds, through the runtime (`service.list`: query parsing, policy, tenant, page and count side by side, row mapping) and, as the floor, as the very statements the runtime sent, run directly on the same pool. The third variant is the page with an exact count of every match, what a list did before the count stopped 10,000 rows past the page (`pagination.capped`). Variants interleaved, order rotated each round. Target: page 1 under 20 ms.",
    "",
    ...backends.flatMap(listTable),
  ];
}
