/** A worker thread that formats with prettier, so a big generation uses every core. */
import { parentPort } from "node:worker_threads";
import type { Options } from "prettier";

interface Job {
  readonly id: number;
  readonly text: string;
  readonly options: Options;
}

const prettier = await import("prettier");
parentPort?.on("message", (job: Job) => {
  prettier.format(job.text, job.options).then(
    (text) => parentPort?.postMessage({ id: job.id, text }),
    (error: unknown) => parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
