import path from "node:path";

/** An ESM import specifier from one generated file to another file (`.ts` → `.js`). */
export function importSpecifier(fromFile: string, toFile: string): string {
  const relative = path.posix.relative(path.posix.dirname(fromFile), toFile).replace(/\.ts$/, ".js");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/** Where a domain's files go inside the generated folder, and the hand-written modules (of an aggregate, of reactors). */
export const layout = {
  domainFolder: (domain: string) => domain,
  aggregateModule: (domain: string, aggregate: string) => `${domain}/${aggregate}.ts`,
  handlerModule: (domain: string, aggregate: string) => `${domain}/${aggregate}.ts`,
  /** The domain's event and command unions. */
  messagesModule: (domain: string) => `${domain}/_messages.ts`,
  /** The domain's external events: their data types and definitions. */
  externalModule: (domain: string) => `${domain}/_external.ts`,
  /** The domain's view definitions. */
  viewsModule: (domain: string) => `${domain}/_views.ts`,
  /** What the domain's handlers may look up (`ctx.get`, `ctx.find`): names and types. */
  lookupsModule: (domain: string) => `${domain}/_lookups.ts`,
  /** The domain's reaction definitions. */
  reactionsModule: (domain: string) => `${domain}/_reactions.ts`,
  /** The hand-written reactors of a domain (in the handlers folder; aggregate names never start with `_`). */
  reactorModule: (domain: string) => `${domain}/_reactions.ts`,
  /** The hand-written projectors of a domain's `handler: true` views (in the handlers folder). */
  projectorModule: (domain: string) => `${domain}/_views.ts`,
} as const;
