import type { DiagnosticCollector } from "../diagnostics/collector.js";
import {
  freshHandlerModule,
  freshProjectorModule,
  freshReactorModule,
  projectorStubsFor,
  projectorStubViews,
  reactorStubsFor,
  type Stub,
  stubsFor,
} from "../emit/handlers/stubs.js";
import { isHandlerLike, isProjectorLike, isReactorLike, mergeStubs } from "../emit/handlers/merge.js";
import { reactorStubViews } from "../emit/typescript/reactions-view.js";
import { lockedVersionsOf, type LockedVersions } from "../emit/typescript/aggregate-view.js";
import type { EventLock } from "../breaking/lock.js";
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
  readonly entries: Record<string, HandlerEntry>;
  /** Stubs appended to existing modules, for the summary. */
  readonly appended: readonly { readonly path: string; readonly names: readonly string[] }[];
}

/** A hand-written module: an aggregate's handlers, or a domain's reactors. */
interface HandwrittenModule {
  /** Relative to the handlers folder: the manifest's key. */
  readonly relative: string;
  readonly path: string;
  readonly typesImport: string;
  /** A hash of what the stubs are made from. */
  readonly stubsHash: string;
  stubs(): Stub[];
  fresh(stubs: readonly Stub[]): string;
  /** Which exported declarations are ours to expect (the others are the person's helpers). */
  handwritten(name: string, text: string): boolean;
  /** A domain's module of reactors or projectors; an aggregate's module has none. */
  readonly kind?: "reactors" | "projectors";
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
  lock?: EventLock,
): Promise<HandlerPlan> {
  // Stubs are printed in the canonical style; the project's prettier config, if it has one, restyles them.
  const format = (text: string) => formatter.formatStub(text);
  const changes: Change[] = [];
  const entries: Record<string, HandlerEntry> = {};
  const appended: { path: string; names: readonly string[] }[] = [];
  const { generated, handlers } = config.output;

  const aggregateModules: HandwrittenModule[] = model.domains.flatMap((domain) =>
    domain.aggregates.map((aggregate) => {
      const relative = layout.handlerModule(domain.name, aggregate.name);
      const path = `${handlers}/${relative}`;
      const typesImport = importSpecifier(path, `${generated}/${layout.aggregateModule(domain.name, aggregate.name)}`);
      return {
        relative,
        path,
        typesImport,
        // The stubs are a function of the aggregate's model (and the lock's older versions of its events): compare that, render only when needed.
        stubsHash: hash([typesImport, aggregate.modelHash, ...lockedHash(lockedVersionsOf(lock, domain.name, aggregate))]),
        stubs: () => stubsFor(aggregate, displayPath(config.root, path), lockedVersionsOf(lock, domain.name, aggregate)),
        fresh: (stubs: readonly Stub[]) => freshHandlerModule(domain, aggregate, typesImport, stubs),
        handwritten: isHandlerLike,
      };
    }),
  );
  // A domain's reactors module exists once a reaction has `handler: true`; it is kept (and its
  // reactors reported) when none has any more.
  const reactorCandidates = model.domains.map((domain): HandwrittenModule & { readonly wanted: boolean } => {
    const relative = layout.reactorModule(domain.name);
    const path = `${handlers}/${relative}`;
    const typesImport = importSpecifier(path, `${generated}/${layout.reactionsModule(domain.name)}`);
    const views = reactorStubViews(domain);
    return {
      relative,
      path,
      typesImport,
      stubsHash: hash(["reactors", typesImport, views]),
      stubs: () => reactorStubsFor(domain, displayPath(config.root, path)),
      fresh: (stubs: readonly Stub[]) => freshReactorModule(domain, typesImport, stubs),
      handwritten: isReactorLike,
      kind: "reactors",
      wanted: views.length > 0,
    };
  });
  // Likewise a domain's projectors module, once a view has `handler: true`.
  const projectorCandidates = model.domains.map((domain): HandwrittenModule & { readonly wanted: boolean } => {
    const relative = layout.projectorModule(domain.name);
    const path = `${handlers}/${relative}`;
    const typesImport = importSpecifier(path, `${generated}/${layout.viewsModule(domain.name)}`);
    const views = projectorStubViews(domain);
    return {
      relative,
      path,
      typesImport,
      stubsHash: hash(["projectors", typesImport, views]),
      stubs: () => projectorStubsFor(domain, displayPath(config.root, path)),
      fresh: (stubs: readonly Stub[]) => freshProjectorModule(domain, typesImport, stubs),
      handwritten: isProjectorLike,
      kind: "projectors",
      wanted: views.length > 0,
    };
  });
  const candidates = [...reactorCandidates, ...projectorCandidates];
  const unwanted = candidates.filter((m) => !m.wanted);
  const existing = await Promise.all(unwanted.map(async (m) => (await host.stat(m.path)) !== undefined));
  const kept = new Set(unwanted.filter((_, i) => existing[i]));
  const modules = [...aggregateModules, ...candidates.filter((m) => m.wanted || kept.has(m))];
  const stamps = await Promise.all(modules.map(async (m) => stampOf(await host.stat(m.path))));
  // A module whose stat is what the manifest recorded is not read: nobody touched it.
  const texts = await Promise.all(
    modules.map((m, i) => {
      const recorded = previous.handlers[m.relative];
      return recorded?.stamp !== undefined && recorded.stamp === stamps[i] ? undefined : host.readText(m.path);
    }),
  );
  const reportOrphans = (orphans: NonNullable<HandlerEntry["orphans"]>, module: HandwrittenModule) => {
    const { path } = module;
    for (const orphan of orphans) {
      diagnostics.report(
        "orphaned-handler",
        { name: orphan.name, what: orphanReason(orphan.name, module.kind) },
        {
          file: displayPath(host.cwd, path),
          start: { line: orphan.line, column: orphan.column },
          end: { line: orphan.line, column: orphan.column + orphan.name.length },
        },
      );
    }
  };

  const pending: { module: HandwrittenModule; index: number; existing: string | undefined; stubs: () => Stub[] }[] = [];
  for (const [index, module] of modules.entries()) {
    const { relative, stubsHash } = module;
    const recorded = previous.handlers[relative];
    const stamp = stamps[index];
    const untouched = recorded?.stamp !== undefined && recorded.stamp === stamp;
    const existing = untouched ? undefined : texts[index];
    if (recorded && recorded.stubs === stubsHash && (untouched || (existing !== undefined && recorded.content === contentHash(existing)))) {
      entries[relative] = untouched || stamp === undefined ? recorded : { ...recorded, stamp };
      reportOrphans(recorded.orphans ?? [], module);
      continue;
    }
    // Touched, or the spec asks for other stubs: read it (if not read already) and merge.
    const text = existing ?? (untouched ? await host.readText(module.path) : undefined);
    // Stubs are rendered when first needed: for new modules, while other threads format.
    let stubs: Stub[] | undefined;
    pending.push({ module, index, existing: text, stubs: () => (stubs ??= module.stubs()) });
  }
  // New modules are formatted once, all together, with the project's prettier settings (if any).
  const fresh = pending.filter((p) => p.existing === undefined);
  const formatted = await formatter.formatStubs(fresh.map((p) => ({ text: () => p.module.fresh(p.stubs()) })));
  const freshText = new Map(fresh.map((p, i) => [p, formatted[i]!]));

  for (const item of pending) {
    const { module, index, existing } = item;
    const stubs = item.stubs();
    const { relative, path, typesImport, stubsHash } = module;
    const text = existing ?? freshText.get(item)!;
    // A fresh module has every stub: nothing to merge. Later, only the stubs that are added get formatted.
    const merged = existing === undefined ? { text, added: [], orphans: [] } : await mergeStubs(text, stubs, typesImport, format, module.handwritten);
    if (existing === undefined) changes.push({ kind: "create", path, after: merged.text });
    else if (merged.text !== existing) {
      changes.push({ kind: "update", path, before: existing, after: merged.text });
      appended.push({ path, names: merged.added });
    }
    reportOrphans(merged.orphans, module);
    entries[relative] = {
      // The stamp of an unchanged module is known now; a written one is stamped after writing.
      ...(merged.text === existing && stamps[index] !== undefined ? { stamp: stamps[index] } : {}),
      content: contentHash(merged.text),
      stubs: stubsHash,
      ...(merged.orphans.length === 0 ? {} : { orphans: merged.orphans }),
    };
  }
  return { changes, entries, appended };
}

function orphanReason(name: string, kind: HandwrittenModule["kind"]): string {
  if (kind === "reactors") return "the spec has no `handler: true` reaction for it any more";
  if (kind === "projectors") return "the spec has no `handler: true` view for it any more";
  if (name.startsWith("handle")) return "the spec has no such action any more";
  if (name.startsWith("evolve")) return "the spec has no such event any more, or it now has an `apply`";
  return "the spec has no such event version step any more";
}

/** Nothing for an aggregate without locked older versions, so such a module's entry stays as it was. */
function lockedHash(versions: LockedVersions): string[] {
  return Object.keys(versions).length === 0 ? [] : [JSON.stringify(versions)];
}
