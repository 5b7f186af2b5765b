import path from "node:path";

/** An ESM import specifier from one generated file to another file (`.ts` → `.js`). */
export function importSpecifier(fromFile: string, toFile: string): string {
  const relative = path.posix.relative(path.posix.dirname(fromFile), toFile).replace(/\.ts$/, ".js");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/** Where a domain's files go inside the generated folder, and the hand-written module of an aggregate. */
export const layout = {
  domainFolder: (domain: string) => domain,
  aggregateModule: (domain: string, aggregate: string) => `${domain}/${aggregate}.ts`,
  handlerModule: (domain: string, aggregate: string) => `${domain}/${aggregate}.ts`,
} as const;
