/** BENCHMARKS.md section 4: the language server after an edit (bench/editor.ts). */
import type { EditorResult, EditorSize } from "../editor.js";
import { isSkipped, type Skipped } from "../results.js";

const ms = (v: number) => (v < 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(0)} ms`);

function row(label: string, s: EditorSize, ratio: string): string {
  return `| ${label} | ${s.aggregates.toLocaleString("en-US")} (${s.specFiles} file${s.specFiles === 1 ? "" : "s"}) | ${ms(s.diagnostics.median)} | ${ms(s.diagnostics.p95)} | ${ratio} | ${ms(s.completion.median)} | ${ms(s.completion.p95)} | ${ms(s.firstCheckMs)} |`;
}

export function editorSection(e: EditorResult | Skipped | undefined): string[] {
  const title = "## 4. Editor";
  if (e === undefined) return [];
  if (isSkipped(e)) return [title, "", `Not run: ${e.reason}`, ""];
  return [
    title,
    "",
    `\`fluvius lsp\` in its own process, driven over stdio by the protocol's client library. An edit of one open spec file, alternately a mistake (a state field of an unknown type) and its fix, ${e.edits} edits, each timed from the change notification to the first diagnostics for that file that show it; that includes the server's 150 ms pause for typing bursts. Completion: ${e.edits} requests at a state field's type. First check: the diagnostics of the first open, nothing cached. The baseline is the same on a 10-aggregate spec in the same run; the server checks incrementally (unchanged files are not parsed again, unchanged domains not checked again), so the ratio stays near 1.`,
    "",
    "| spec | aggregates | diagnostics after an edit, median | p95 | p95 × 10 aggregates | completion, median | p95 | first check |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    row("baseline", e.baseline, "1×"),
    ...e.sizes.map((s) => row("synthetic", s, `${(e.ratios.find((r) => r.aggregates === s.aggregates)?.diagnosticsP95 ?? Number.NaN).toFixed(2)}×`)),
    "",
  ];
}
