/**
 * Section 4 of `npm run bench`: the language server (`fluvius lsp`) as an editor drives it, on
 * the synthetic spec (bench/synthetic-spec.ts), in its own process over stdio, through the
 * LSP client the tests use (test/helpers/lsp-client.ts: the protocol's own client library).
 *
 *   diagnostics  an edit of one open file, alternately a mistake (a state field of an unknown
 *                type) and its fix, timed from the change notification to the first
 *                diagnostics published for that file that show it (the mistake reported, or
 *                no error left). It includes the server's pause for typing bursts (150 ms).
 *   completion   a completion request at a state field's type, timed to its answer.
 *   first check  the diagnostics of the first open, when nothing is cached yet.
 * Four untimed edits come first, so the server's code is warm.
 *
 * The baseline is the same, in the same run, on a 10-aggregate spec: an edit of a project
 * checked incrementally costs what it touched, so the large spec's ratio to it stays near 1.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Diagnostic } from "vscode-languageserver/node";
import { type LspClient, startLsp } from "../test/helpers/lsp-client.js";
import { writeSyntheticProject } from "./generator.js";
import { stats, type Stats } from "./lib/measure.js";

export interface EditorSize {
  readonly aggregates: number;
  readonly specFiles: number;
  /** Milliseconds, one sample per edit. */
  readonly diagnostics: Stats & { readonly p95: number };
  readonly completion: Stats & { readonly p95: number };
  readonly firstCheckMs: number;
}

export interface EditorResult {
  readonly edits: number;
  /** The baseline: 10 aggregates. */
  readonly baseline: EditorSize;
  readonly sizes: EditorSize[];
  /** p95 of diagnostics after an edit, per size, as a ratio to the baseline's p95. */
  readonly ratios: { readonly aggregates: number; readonly diagnosticsP95: number }[];
}

export interface EditorOptions {
  readonly sizes: readonly number[];
  readonly edits: number;
  readonly log?: (line: string) => void;
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const withP95 = (values: readonly number[]) => ({ ...stats(values), p95: percentile(values, 95) });

/** Milliseconds from sending `send` to the file's first diagnostics that satisfy `until`. */
async function timeDiagnostics(lsp: LspClient, relative: string, until: (d: Diagnostic[]) => boolean, send: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await send();
  await lsp.diagnostics(relative, until);
  return performance.now() - started;
}

async function timeCompletion(lsp: LspClient, relative: string, line: number, character: number): Promise<number> {
  const started = performance.now();
  const answer: unknown = await lsp.connection.sendRequest("textDocument/completion", {
    textDocument: { uri: lsp.uri(relative) },
    position: { line, character },
  });
  const ms = performance.now() - started;
  const items = Array.isArray(answer) ? answer : (answer as { items?: unknown[] } | null)?.items;
  if (!items || items.length === 0) throw new Error(`no completion items at ${relative}:${line + 1}:${character + 1}`);
  return ms;
}

const isError = (d: Diagnostic) => d.severity === 1;

export async function benchEditorSize(aggregates: number, edits: number): Promise<EditorSize> {
  const project = writeSyntheticProject(aggregates);
  const lsp = await startLsp(project.dir);
  try {
    const domains = path.join(project.dir, "domains");
    const [domain] = readdirSync(domains).sort();
    const [part] = readdirSync(path.join(domains, domain!)).sort();
    const relative = path.join("domains", domain!, part!);
    const file = path.join(project.dir, relative);
    const text = readFileSync(file, "utf8");
    // The first state field's declaration: its type is what the edit breaks and completion completes.
    const lines = text.split("\n");
    const stateLine = lines.findIndex((l) => l.trim() === "state:");
    const fieldLine = stateLine + 1;
    const field = lines[fieldLine]!;
    const colon = field.indexOf(":");
    if (stateLine < 0 || colon < 0) throw new Error(`no state field in ${file}`);
    const broken = [...lines.slice(0, fieldLine), `${field.slice(0, colon)}: NoSuchType`, ...lines.slice(fieldLine + 1)].join("\n");

    const firstCheckMs = await timeDiagnostics(
      lsp,
      relative,
      (d) => !d.some(isError),
      () => lsp.open(relative, text),
    );
    const diagnostics: number[] = [];
    // Four untimed edits first: the server's code is warm when the timed ones start.
    const WARMUP = 4;
    for (let i = -WARMUP; i < edits; i++) {
      const mistake = (i + WARMUP) % 2 === 0;
      const ms = await timeDiagnostics(
        lsp,
        relative,
        (d) => (mistake ? d.some((x) => isError(x) && x.range.start.line === fieldLine) : !d.some(isError)),
        () => lsp.change(relative, mistake ? broken : text),
      );
      if (i >= 0) diagnostics.push(ms);
    }
    const completion: number[] = [];
    for (let i = 0; i < edits; i++) completion.push(await timeCompletion(lsp, relative, fieldLine, colon + 2));
    return { aggregates, specFiles: project.files, diagnostics: withP95(diagnostics), completion: withP95(completion), firstCheckMs };
  } finally {
    await lsp.close();
    rmSync(project.dir, { recursive: true, force: true });
  }
}

export async function benchEditor(options: EditorOptions): Promise<EditorResult> {
  const log = options.log ?? (() => undefined);
  const baseline = await benchEditorSize(10, options.edits);
  log(`  editor, 10 aggregates: diagnostics p95 ${baseline.diagnostics.p95.toFixed(0)} ms, completion p95 ${baseline.completion.p95.toFixed(1)} ms`);
  const sizes: EditorSize[] = [];
  for (const aggregates of options.sizes) {
    const size = await benchEditorSize(aggregates, options.edits);
    log(
      `  editor, ${aggregates} aggregates: diagnostics p95 ${size.diagnostics.p95.toFixed(0)} ms, completion p95 ${size.completion.p95.toFixed(1)} ms, first check ${size.firstCheckMs.toFixed(0)} ms`,
    );
    sizes.push(size);
  }
  return {
    edits: options.edits,
    baseline,
    sizes,
    ratios: sizes.map((s) => ({ aggregates: s.aggregates, diagnosticsP95: s.diagnostics.p95 / baseline.diagnostics.p95 })),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await benchEditor({ sizes: [1000], edits: 20, log: console.log });
  console.log(JSON.stringify(result.ratios));
}
