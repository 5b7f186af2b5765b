import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { stubsFor, freshHandlerModule } from "../emit/handlers/stubs.js";
import { mergeStubs } from "../emit/handlers/merge.js";
import { importSpecifier, layout } from "../emit/paths.js";
import type { Host } from "../host/host.js";
import { displayPath } from "../host/paths.js";
import type { ProjectConfig } from "../load/config.js";
import { hash } from "../model/lower.js";
import type { Model } from "../model/model.js";
import { contentHash, type HandlerEntry, type Manifest } from "../write/manifest.js";
import type { Formatter } from "../write/format.js";
import type { Change } from "../write/plan.js";

export interface HandlerPlan {
  readonly changes: readonly Change[];
  /** Per "domain.aggregate": the hash of its hand-written evolve functions. */
  readonly evolveHashes: ReadonlyMap<string, string>;
  readonly entries: Record<string, HandlerEntry>;
  /** Stubs appended to existing modules, for the summary. */
  readonly appended: readonly { readonly path: string; readonly names: readonly string[] }[];
}

/**
 * The hand-written modules: created once with every stub; later only missing stubs are
 * appended. A module whose text and expected stubs are what the manifest recorded is not
 * parsed again, so a run without changes stays fast.
 */
export async function planHandlers(
  host: Host,
  config: ProjectConfig,
  model: Model,
  previous: Manifest,
  formatter: Formatter,
  diagnostics: DiagnosticCollector,
): Promise<HandlerPlan> {
  const format = (text: string) => formatter.format(text, "typescript");
  const changes: Change[] = [];
  const evolveHashes = new Map<string, string>();
  const entries: Record<string, HandlerEntry> = {};
  const appended: { path: string; names: readonly string[] }[] = [];
  const { generated, handlers } = config.output;

  for (const domain of model.domains) {
    for (const aggregate of domain.aggregates) {
      const relative = layout.handlerModule(domain.name, aggregate.name);
      const path = `${handlers}/${relative}`;
      const typesImport = importSpecifier(path, `${generated}/${layout.aggregateModule(domain.name, aggregate.name)}`);
      const stubs = stubsFor(domain, aggregate);
      const stubsHash = hash([typesImport, stubs.map((s) => [s.name, s.text])]);
      const key = `${domain.name}.${aggregate.name}`;
      const existing = (await host.stat(path)) ? new TextDecoder().decode(await host.readFile(path)) : undefined;
      const recorded = previous.handlers[relative];

      if (existing !== undefined && recorded && recorded.content === contentHash(existing) && recorded.stubs === stubsHash) {
        entries[relative] = recorded;
        if (recorded.evolve !== undefined) evolveHashes.set(key, recorded.evolve);
        continue;
      }
      // A new module is formatted once, with the project's prettier settings; later only added stubs are.
      const text = existing ?? (await format(freshHandlerModule(domain, aggregate, typesImport, stubs)));
      const merged = await mergeStubs(text, stubs, typesImport, format);
      if (existing === undefined) changes.push({ kind: "create", path, after: merged.text });
      else if (merged.text !== existing) {
        changes.push({ kind: "update", path, before: existing, after: merged.text });
        appended.push({ path, names: merged.added });
      }
      for (const orphan of merged.orphans) {
        diagnostics.report(
          "orphaned-handler",
          { name: orphan.name, what: orphanReason(orphan.name) },
          { file: displayPath(host.cwd, path), start: { line: orphan.line, column: orphan.column }, end: { line: orphan.line, column: orphan.column + orphan.name.length } },
        );
      }
      const evolvers = stubs.filter((s) => s.kind === "evolver").map((s) => merged.declarations.get(s.name) ?? "");
      const evolve = evolvers.length === 0 ? undefined : hash(evolvers);
      if (evolve !== undefined) evolveHashes.set(key, evolve);
      entries[relative] = { content: contentHash(merged.text), stubs: stubsHash, ...(evolve === undefined ? {} : { evolve }) };
    }
  }
  return { changes, evolveHashes, entries, appended };
}

function orphanReason(name: string): string {
  if (name.startsWith("handle")) return "the spec has no such action any more";
  if (name.startsWith("evolve")) return "the spec has no such event any more, or it now has an `apply`";
  return "the spec has no such event version step any more";
}
