import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Options } from "prettier";

/** Which formatter a file gets; prettier does not know SQL, so SQL is emitted formatted. */
export type FileLanguage = "typescript" | "json" | "none";

// babel-ts prints the same as the typescript parser for the code we generate, about a third faster.
const PARSERS: Record<Exclude<FileLanguage, "none">, string> = { typescript: "babel-ts", json: "json" };

/** Below this many files, starting worker threads costs more than it saves. */
const WORKER_THRESHOLD = 48;

/**
 * Formats with the project's prettier configuration (resolved once per run), so generated
 * code looks like the rest of the project. Many files are formatted in worker threads.
 */
export class Formatter {
  readonly #projectRoot: string;
  #prettier: Promise<typeof import("prettier")> | undefined;
  #options: Promise<Options> | undefined;

  readonly #progress: ((message: string) => void) | undefined;
  #pool: Worker[] | undefined;

  /** `progress` hears about long formatting runs (many files), for a line on the terminal. */
  constructor(projectRoot: string, progress?: (message: string) => void) {
    this.#projectRoot = projectRoot;
    this.#progress = progress;
  }

  /** prettier is loaded on first use: a run that changes nothing never needs it. */
  #load() {
    this.#prettier ??= import("prettier");
    return this.#prettier;
  }

  /** The project's prettier configuration (.prettierrc, package.json, .editorconfig), or prettier's defaults. */
  #resolve(): Promise<Options> {
    this.#options ??= this.#load()
      .then((prettier) => prettier.resolveConfig(`${this.#projectRoot}/fluvius-generated.ts`, { editorconfig: true }))
      .then((options) => options ?? {})
      .catch(() => ({}));
    return this.#options;
  }

  /** The options as one string, so a config change invalidates what was formatted before. */
  async fingerprint(): Promise<string> {
    return JSON.stringify(await this.#resolve());
  }

  async format(text: string, language: FileLanguage): Promise<string> {
    if (language === "none") return text;
    const [prettier, options] = await Promise.all([this.#load(), this.#resolve()]);
    return prettier.format(text, { ...options, parser: PARSERS[language], endOfLine: "lf" });
  }

  /**
   * Formats many texts, in parallel worker threads when there are enough of them. A text may
   * be given as a function: it is rendered only when a thread is ready for it, so rendering
   * on this thread overlaps formatting on the others. The threads stay up for the next call
   * until `close()`.
   */
  async formatAll(items: readonly { readonly text: string | (() => string); readonly language: FileLanguage }[]): Promise<string[]> {
    const textOf = (item: (typeof items)[number]) => (typeof item.text === "string" ? item.text : item.text());
    // Running from TypeScript sources (tests), there is no compiled worker: format here.
    const canUseWorkers = items.length >= WORKER_THRESHOLD && import.meta.url.endsWith(".js");
    if (!canUseWorkers) {
      const results: string[] = [];
      for (const item of items) results.push(await this.format(textOf(item), item.language));
      return results;
    }
    const options = await this.#resolve();
    const workers = this.#startPool();
    this.#progress?.(`formatting ${items.length} files on ${workers.length} threads…`);
    for (const worker of workers) worker.ref();
    try {
      const results = new Array<string>(items.length);
      let next = 0;
      await Promise.all(
        workers.map(async (worker) => {
          while (next < items.length) {
            const id = next++;
            const item = items[id]!;
            const text = textOf(item);
            results[id] = item.language === "none" ? text : await run(worker, id, text, { ...options, parser: PARSERS[item.language], endOfLine: "lf" });
          }
        }),
      );
      return results;
    } finally {
      // Idle threads must not keep the process alive should a caller forget `close()`.
      for (const worker of workers) worker.unref();
    }
  }

  /** One thread per core (at most 8), started once: loading prettier and warming it up is not free. */
  #startPool(): Worker[] {
    if (this.#pool === undefined) {
      const workerPath = fileURLToPath(new URL("./format-worker.js", import.meta.url));
      const size = Math.max(1, Math.min(availableParallelism(), 8));
      this.#pool = Array.from({ length: size }, () => new Worker(workerPath));
    }
    return this.#pool;
  }

  /** Stops the formatting threads, if any were started. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool) await Promise.all(pool.map((w) => w.terminate()));
  }
}

function run(worker: Worker, id: number, text: string, options: Options): Promise<string> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { id: number; text?: string; error?: string }) => {
      if (message.id !== id) return;
      worker.off("message", onMessage);
      worker.off("error", reject);
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(`prettier could not format generated code (a bug in fluvius): ${message.error ?? "unknown error"}`));
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
    worker.postMessage({ id, text, options });
  });
}
