import type { SourceFile } from "../parse/source-file.js";
import type { DataPath } from "../parse/source-file.js";
import { TypeResolver } from "../model/resolve.js";
import type { AggregateSpec, ExternalEventSpec, FieldSpec, ReactionSpec, RuleSpec, SpecFileContent, ViewSpec } from "../validate/spec.js";

/** A spec file that passed the schema. */
export interface SpecFile {
  readonly file: SourceFile;
  readonly content: SpecFileContent;
}

/** A named thing declared in a spec, with where it was declared (the key's path). */
export interface Declaration<T> {
  readonly name: string;
  readonly spec: T;
  readonly file: SourceFile;
  readonly path: DataPath;
}

export type RoleSpec = { readonly description?: string } | null;

/**
 * One domain with its files merged: symbol tables (the first declaration of a name wins)
 * and the list of every declaration, so duplicates can be reported with both places.
 */
export interface BoundDomain {
  readonly name: string;
  readonly files: readonly SpecFile[];
  readonly types: ReadonlyMap<string, Declaration<FieldSpec>>;
  readonly aggregates: ReadonlyMap<string, Declaration<AggregateSpec>>;
  readonly roles: ReadonlyMap<string, Declaration<RoleSpec>>;
  readonly rules: readonly Declaration<RuleSpec>[];
  readonly reactions: ReadonlyMap<string, Declaration<ReactionSpec>>;
  /** Events of other services the domain hears (`external:`). */
  readonly externals: ReadonlyMap<string, Declaration<ExternalEventSpec>>;
  /** Read models fed by events (`views:`). */
  readonly views: ReadonlyMap<string, Declaration<ViewSpec>>;
  readonly duplicates: readonly Duplicate[];
  readonly resolver: TypeResolver;
}

export interface Duplicate {
  readonly kind: "Type" | "Aggregate" | "Role" | "Action" | "Reaction" | "External event" | "View";
  readonly first: Declaration<unknown>;
  readonly again: Declaration<unknown>;
}

/** Groups files by domain (sorted by name, files by path) and builds their symbol tables. */
export function bindDomains(files: readonly SpecFile[]): BoundDomain[] {
  const byDomain = new Map<string, SpecFile[]>();
  for (const f of [...files].sort((a, b) => (a.file.path < b.file.path ? -1 : 1))) {
    const list = byDomain.get(f.content.domain) ?? [];
    list.push(f);
    byDomain.set(f.content.domain, list);
  }
  return [...byDomain.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, domainFiles]) => bindDomain(name, domainFiles));
}

function bindDomain(name: string, files: readonly SpecFile[]): BoundDomain {
  const duplicates: Duplicate[] = [];
  const types = new Map<string, Declaration<FieldSpec>>();
  const aggregates = new Map<string, Declaration<AggregateSpec>>();
  const roles = new Map<string, Declaration<RoleSpec>>();
  // Commands are `{domain}:{action}`: an action name is unique in its domain, not just its aggregate.
  const actions = new Map<string, Declaration<unknown>>();
  const rules: Declaration<RuleSpec>[] = [];
  const reactions = new Map<string, Declaration<ReactionSpec>>();
  const externals = new Map<string, Declaration<ExternalEventSpec>>();
  const views = new Map<string, Declaration<ViewSpec>>();

  function declare<T>(table: Map<string, Declaration<T>>, kind: Duplicate["kind"], declaration: Declaration<T>): void {
    const first = table.get(declaration.name);
    if (first) duplicates.push({ kind, first, again: declaration });
    else table.set(declaration.name, declaration);
  }

  for (const { file, content } of files) {
    for (const [n, spec] of Object.entries(content.types ?? {})) declare(types, "Type", { name: n, spec, file, path: ["types", n] });
    for (const [n, spec] of Object.entries(content.aggregates ?? {})) {
      if (aggregates.has(n)) {
        declare(aggregates, "Aggregate", { name: n, spec, file, path: ["aggregates", n] });
        continue; // a duplicate aggregate's actions are not declared a second time
      }
      declare(aggregates, "Aggregate", { name: n, spec, file, path: ["aggregates", n] });
      for (const [action, actionSpec] of Object.entries(spec.actions ?? {}))
        declare(actions, "Action", { name: action, spec: actionSpec, file, path: ["aggregates", n, "actions", action] });
    }
    for (const [n, spec] of Object.entries(content.policies?.roles ?? {})) declare(roles, "Role", { name: n, spec, file, path: ["policies", "roles", n] });
    for (const [i, spec] of (content.policies?.rules ?? []).entries()) rules.push({ name: `#${i + 1}`, spec, file, path: ["policies", "rules", i] });
    for (const [n, spec] of Object.entries(content.reactions ?? {})) declare(reactions, "Reaction", { name: n, spec, file, path: ["reactions", n] });
    for (const [n, spec] of Object.entries(content.external ?? {})) declare(externals, "External event", { name: n, spec, file, path: ["external", n] });
    for (const [n, spec] of Object.entries(content.views ?? {})) declare(views, "View", { name: n, spec, file, path: ["views", n] });
  }
  const resolver = new TypeResolver(new Map([...types].map(([n, d]) => [n, d.spec])));
  return { name, files, types, aggregates, roles, rules, reactions, externals, views, duplicates, resolver };
}
