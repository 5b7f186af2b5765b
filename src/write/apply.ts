import { createTwoFilesPatch } from "diff";
import type { Host } from "../host/host.js";
import { displayPath } from "../host/paths.js";
import type { Change } from "./plan.js";

/** Carries out the changes: every write is atomic (temporary file + rename). */
export async function applyChanges(host: Host, changes: readonly Change[], progress?: (done: number, total: number) => void): Promise<void> {
  for (const [index, change] of changes.entries()) {
    if (change.kind === "delete") await host.removeFile(change.path);
    else await host.writeFile(change.path, change.after ?? "");
    progress?.(index + 1, changes.length);
  }
}

/** A unified diff of every change, for `generate --check`; paths relative to the working folder. */
export function unifiedDiff(cwd: string, changes: readonly Change[]): string {
  return changes
    .map((change) => {
      const name = displayPath(cwd, change.path);
      const before = change.kind === "create" ? "/dev/null" : `a/${name}`;
      const after = change.kind === "delete" ? "/dev/null" : `b/${name}`;
      return createTwoFilesPatch(before, after, change.before ?? "", change.after ?? "", undefined, undefined, { context: 3 });
    })
    .join("");
}

/** One line per change, for `generate --dry-run` and the normal summary. */
export function describeChanges(cwd: string, changes: readonly Change[]): string[] {
  const verbs = { create: "create", update: "update", delete: "delete" } as const;
  return [...changes].sort((a, b) => (a.path < b.path ? -1 : 1)).map((c) => `  ${verbs[c.kind].padEnd(7)} ${displayPath(cwd, c.path)}`);
}
