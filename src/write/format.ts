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

  /** Formats many texts, in parallel worker threads when there are enough of them. */
  async formatAll(items: readonly { readonly text: string; readonly language: FileLanguage }[]): Promise<string[]> {
    const workerUrl = new URL("./format-worker.js", import.meta.url);
    // Running from TypeScript sources (tests), there is no compiled worker: format here.
    const canUseWorkers = items.length >= WORKER_THRESHOLD && import.meta.url.endsWith(".js");
    if (!canUseWorkers) {
      const results: string[] = [];
      for (const item of items) results.push(await this.format(item.text, item.language));
      return results;
    }
    const options = await this.#resolve();
    const size = Math.max(1, Math.min(availableParallelism(), 8));
    this.#progress?.(`formatting ${items.length} files on ${size} threads…`);
    const workers = Array.from({ length: size }, () => new Worker(fileURLToPath(workerUrl)));
    try {
      const results = new Array<string>(items.length);
      let next = 0;
      await Promise.all(
        workers.map(async (worker) => {
          while (next < items.length) {
            const id = next++;
            const item = items[id]!;
            results[id] = item.language === "none" ? item.text : await run(worker, id, item.text, { ...options, parser: PARSERS[item.language], endOfLine: "lf" });
          }
        }),
      );
      return results;
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
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
