import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { freshHandlerModule, type Stub, stubsFor } from "../emit/handlers/stubs.js";
import { mergeStubs } from "../emit/handlers/merge.js";
import { importSpecifier, layout } from "../emit/paths.js";
import type { Host } from "../host/host.js";
import { displayPath } from "../host/paths.js";
import type { ProjectConfig } from "../load/config.js";
import { hash } from "../model/lower.js";
import type { Model } from "../model/model.js";
import { contentHash, type HandlerEntry, type Manifest, stampOf } from "../write/manifest.js";
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

  const modules = model.domains.flatMap((domain) =>
    domain.aggregates.map((aggregate) => {
      const relative = layout.handlerModule(domain.name, aggregate.name);
      const path = `${handlers}/${relative}`;
      const typesImport = importSpecifier(path, `${generated}/${layout.aggregateModule(domain.name, aggregate.name)}`);
      return { domain, aggregate, relative, path, typesImport };
    }),
  );
  const stamps = await Promise.all(modules.map(async (m) => stampOf(await host.stat(m.path))));
  // A module whose stat is what the manifest recorded is not read: nobody touched it.
  const texts = await Promise.all(
    modules.map((m, i) => {
      const recorded = previous.handlers[m.relative];
      return recorded?.stamp !== undefined && recorded.stamp === stamps[i] ? undefined : host.readText(m.path);
    }),
  );
  const reportOrphans = (orphans: NonNullable<HandlerEntry["orphans"]>, path: string) => {
    for (const orphan of orphans) {
      diagnostics.report(
        "orphaned-handler",
        { name: orphan.name, what: orphanReason(orphan.name) },
        { file: displayPath(host.cwd, path), start: { line: orphan.line, column: orphan.column }, end: { line: orphan.line, column: orphan.column + orphan.name.length } },
      );
    }
  };

  const pending: { module: (typeof modules)[number]; index: number; existing: string | undefined; stubs: () => Stub[]; stubsHash: string; key: string }[] = [];
  for (const [index, module] of modules.entries()) {
    const { domain, aggregate, relative, path, typesImport } = module;
    // The stubs are a function of the aggregate's model: compare that, render only when needed.
    const stubsHash = hash([typesImport, aggregate.modelHash]);
    const key = `${domain.name}.${aggregate.name}`;
    const recorded = previous.handlers[relative];
    const stamp = stamps[index];
    const untouched = recorded?.stamp !== undefined && recorded.stamp === stamp;
    const existing = untouched ? undefined : texts[index];
    if (recorded && recorded.stubs === stubsHash && (untouched || (existing !== undefined && recorded.content === contentHash(existing)))) {
      entries[relative] = untouched || stamp === undefined ? recorded : { ...recorded, stamp };
      if (recorded.evolve !== undefined) evolveHashes.set(key, recorded.evolve);
      reportOrphans(recorded.orphans ?? [], path);
      continue;
    }
    // Touched, or the spec asks for other stubs: read it (if not read already) and merge.
    const text = existing ?? (untouched ? await host.readText(module.path) : undefined);
    // Stubs are rendered when first needed: for new modules, while other threads format.
    let stubs: Stub[] | undefined;
    pending.push({ module, index, existing: text, stubs: () => (stubs ??= stubsFor(domain, aggregate, displayPath(config.root, path))), stubsHash, key });
  }
  // New modules are formatted once, all together, with the project's prettier settings.
  const fresh = pending.filter((p) => p.existing === undefined);
  const formatted = await formatter.formatAll(
    fresh.map((p) => ({ text: () => freshHandlerModule(p.module.domain, p.module.aggregate, p.module.typesImport, p.stubs()), language: "typescript" as const })),
  );
  const freshText = new Map(fresh.map((p, i) => [p, formatted[i]!]));

  for (const item of pending) {
    const { module, index, existing, stubsHash, key } = item;
    const stubs = item.stubs();
    const { relative, path, typesImport } = module;
    const text = existing ?? freshText.get(item)!;
    // A fresh module has every stub; it needs parsing only to read back its evolve functions.
    // Later, only the stubs that are added get formatted.
    const merged =
      existing === undefined && !stubs.some((s) => s.kind === "evolver")
        ? { text, added: [], orphans: [], declarations: new Map<string, string>() }
        : await mergeStubs(text, stubs, typesImport, format);
    if (existing === undefined) changes.push({ kind: "create", path, after: merged.text });
    else if (merged.text !== existing) {
      changes.push({ kind: "update", path, before: existing, after: merged.text });
      appended.push({ path, names: merged.added });
    }
    reportOrphans(merged.orphans, path);
    const evolvers = stubs.filter((s) => s.kind === "evolver").map((s) => merged.declarations.get(s.name) ?? "");
    const evolve = evolvers.length === 0 ? undefined : hash(evolvers);
    if (evolve !== undefined) evolveHashes.set(key, evolve);
    entries[relative] = {
      // The stamp of an unchanged module is known now; a written one is stamped after writing.
      ...(merged.text === existing && stamps[index] !== undefined ? { stamp: stamps[index] } : {}),
      content: contentHash(merged.text),
      stubs: stubsHash,
      ...(evolve === undefined ? {} : { evolve }),
      ...(merged.orphans.length === 0 ? {} : { orphans: merged.orphans }),
    };
  }
  return { changes, evolveHashes, entries, appended };
}

function orphanReason(name: string): string {
  if (name.startsWith("handle")) return "the spec has no such action any more";
  if (name.startsWith("evolve")) return "the spec has no such event any more, or it now has an `apply`";
  return "the spec has no such event version step any more";
}
