/** Worker processes for benchmark subjects, each on its own database, and the rotation of rounds. */
import { createDatabase, createTempDir } from "../lib/services.js";
import { Worker } from "./child.js";
import type { Target } from "./target.js";

export type Backend = "postgres" | "pglite";

export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

async function targetFor(backend: Backend, label: string, poolSize: number): Promise<{ target: Target; dispose(): Promise<void> }> {
  if (backend === "postgres") {
    const db = await createDatabase(label);
    return { target: { backend, url: db.url, poolSize }, dispose: () => db.drop() };
  }
  const temp = createTempDir(`pglite-${label}`);
  return { target: { backend, dir: temp.dir }, dispose: () => temp.remove() };
}

/** One worker per subject, each on its own database; `stop()` ends them and drops the databases. */
export async function startAll<K extends string>(backend: Backend, subjects: readonly K[], poolSize: number) {
  const workers = new Map<K, Worker>();
  const disposers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const worker of workers.values()) await worker.stop();
    for (const dispose of disposers) await dispose();
  };
  try {
    for (const subject of subjects) {
      const { target, dispose } = await targetFor(backend, subject, poolSize);
      disposers.push(dispose);
      workers.set(subject, await Worker.start(`${backend}/${subject}`, subject, target));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { workers, stop };
}
