import { parseTypeExpression } from "../../model/resolve.js";
import type { FieldSpec } from "../../validate/spec.js";
import type { Rule } from "../context.js";

/** Named types that contain themselves, directly or through other named types. */
export const recursiveTypesRule: Rule = {
  name: "recursive-types",
  reads: "domain",
  codes: ["recursive-type"],
  check(domain, context) {
    const edges = new Map<string, string[]>();
    for (const t of domain.types.values())
      edges.set(
        t.name,
        [...referencedTypes(t.spec)].filter((n) => domain.types.has(n)),
      );
    const reported = new Set<string>();
    // A depth-first search from each type; a path that returns to its start is a cycle.
    for (const start of [...domain.types.keys()].sort()) {
      const cycle = findCycle(start, edges);
      if (!cycle) continue;
      const key = [...cycle].sort().join(",");
      if (reported.has(key)) continue;
      reported.add(key);
      const declaration = domain.types.get(start);
      if (declaration) {
        context.report("recursive-type", { cycle: [...cycle, start].join(" → ") }, { file: declaration.file, path: declaration.path, part: "key" });
      }
    }
  },
};

function findCycle(start: string, edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const stack: { name: string; path: string[] }[] = [{ name: start, path: [start] }];
  const visited = new Set<string>();
  while (stack.length > 0) {
    const { name, path } = stack.pop()!;
    for (const next of edges.get(name) ?? []) {
      if (next === start) return path;
      if (visited.has(next)) continue;
      visited.add(next);
      stack.push({ name: next, path: [...path, next] });
    }
  }
  return undefined;
}

/** Named types a field spec mentions, through nested object fields too. */
function* referencedTypes(spec: FieldSpec): Generator<string> {
  if (typeof spec === "string") {
    yield parseTypeExpression(spec).base;
    return;
  }
  if (spec.type !== undefined) yield parseTypeExpression(spec.type).base;
  for (const nested of Object.values(spec.fields ?? {})) yield* referencedTypes(nested);
}
