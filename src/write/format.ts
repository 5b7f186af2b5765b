import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Options } from "prettier";
import { FormatThread } from "./format-thread.js";

/** Which prettier parser a file gets with `output.format: prettier`; "none": written as emitted (JSON, SQL). */
export type FileLanguage = "typescript" | "json" | "none";

// babel-ts prints the same as the typescript parser for the code we generate, about a third faster.
const PARSERS: Record<Exclude<FileLanguage, "none">, string> = { typescript: "babel-ts", json: "json" };

/** The files prettier reads its configuration from (besides package.json's `prettier` key), and .editorconfig. */
const CONFIG_FILES = [
  ".prettierrc",
  ...["json", "yaml", "yml", "json5", "toml", "js", "mjs", "cjs", "ts", "mts", "cts"].map((ext) => `.prettierrc.${ext}`),
  ...["js", "mjs", "cjs", "ts", "mts", "cts"].map((ext) => `prettier.config.${ext}`),
  "package.yaml",
  ".editorconfig",
];

/**
 * Whether prettier would find a configuration for files of the project: a config file (or
 * `prettier` in package.json) in the project's folder or above it. Without one it formats
 * with its defaults, which is the canonical style the emitters print already.
 */
export function hasPrettierConfig(projectRoot: string): boolean {
  for (let folder = projectRoot; ; folder = dirname(folder)) {
    if (CONFIG_FILES.some((name) => existsSync(join(folder, name)))) return true;
    const manifest = join(folder, "package.json");
    if (existsSync(manifest)) {
      try {
        const content: unknown = JSON.parse(readFileSync(manifest, "utf8"));
        if (typeof content === "object" && content !== null && "prettier" in content) return true;
      } catch {
        // An unreadable package.json is prettier's problem, not a configuration.
      }
    }
    if (dirname(folder) === folder) return false;
  }
}

/** Below this many files, starting worker threads costs more than it saves. */
const WORKER_THRESHOLD = 48;

/** Texts handed to a thread before it has finished the first: it never waits for the next. */
const JOBS_PER_THREAD = 2;

/** Texts queued per thread before this thread renders the unformatted ones (about half a second of work). */
const QUEUE_BEFORE_UNFORMATTED = 48;

/**
 * prettier with the project's configuration (resolved once per run), for what must follow the
 * project's own style: hand-written stubs (only when the project configures prettier), and
 * every generated file with the opt-in `output.format: prettier`. Generated code is otherwise
 * printed in the canonical style by the emitters and never goes through here. Many files are
 * formatted in worker threads.
 */
export class Formatter {
  readonly #projectRoot: string;
  #prettier: Promise<typeof import("prettier")> | undefined;
  #options: Promise<Options> | undefined;

  readonly #progress: ((message: string) => void) | undefined;
  #pool: FormatThread[] | undefined;

  /** `progress` hears about long formatting runs (many files), for a line on the terminal. */
  constructor(projectRoot: string, progress?: (message: string) => void) {
    this.#projectRoot = projectRoot;
    this.#progress = progress;
  }

  #configured: boolean | undefined;

  /**
   * Whether the project configures prettier. When it does not, text printed in the canonical
   * style (prettier's defaults) is already what prettier would make of it: `formatStub` then
   * leaves it as it is, and prettier is not loaded.
   */
  configured(): boolean {
    this.#configured ??= hasPrettierConfig(this.#projectRoot);
    return this.#configured;
  }

  /** A hand-written stub (printed canonically) in the project's style: prettier runs only when the project configures it. */
  async formatStub(text: string): Promise<string> {
    return this.configured() ? this.format(text, "typescript") : text;
  }

  /** Stubs and new hand-written modules, like `formatStub`, many at once. */
  async formatStubs(items: readonly { readonly text: () => string }[]): Promise<string[]> {
    if (!this.configured()) return items.map((item) => item.text());
    return this.formatAll(items.map((item) => ({ text: item.text, language: "typescript" as const })));
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
   * on this thread overlaps formatting on the others. `onResult` hears of each result as it
   * arrives (to hash it while the threads work). The threads stay up for the next call until
   * `close()`.
   */
  async formatAll(
    items: readonly { readonly text: string | (() => string); readonly language: FileLanguage }[],
    onResult?: (index: number, text: string) => void,
  ): Promise<string[]> {
    const textOf = (item: (typeof items)[number]) => (typeof item.text === "string" ? item.text : item.text());
    const results = new Array<string>(items.length);
    const settle = (index: number, text: string) => {
      results[index] = text;
      onResult?.(index, text);
    };
    // Running from TypeScript sources (tests), there is no compiled worker: format here.
    const canUseWorkers = items.length >= WORKER_THRESHOLD && import.meta.url.endsWith(".js");
    if (!canUseWorkers) {
      for (const [index, item] of items.entries()) settle(index, await this.format(textOf(item), item.language));
      return results;
    }
    const options = await this.#resolve();
    const workers = this.#startPool();
    this.#progress?.(`formatting ${items.length} files on ${workers.length} threads…`);
    for (const worker of workers) worker.hold(true);
    try {
      const toFormat = items.flatMap((item, id) => (item.language === "none" ? [] : [{ id, item, parser: PARSERS[item.language] }]));
      let next = 0;
      const formatNext = async (worker: FormatThread) => {
        const { id, item, parser } = toFormat[next++]!;
        settle(id, await worker.format(textOf(item), { ...options, parser, endOfLine: "lf" }));
      };
      // Each thread gets JOBS_PER_THREAD texts at a time: while it formats one, this thread
      // renders the next, so no thread waits for a round trip.
      const lane = async (worker: FormatThread) => {
        while (next < toFormat.length) await formatNext(worker);
      };
      // Texts that are not formatted (an OpenAPI document of megabytes) take this thread a
      // while to render: first every thread gets a deep queue, so none waits meanwhile.
      const queued: Promise<void>[] = [];
      const unformatted = [...items.keys()].filter((id) => items[id]!.language === "none");
      if (unformatted.length > 0) {
        for (const worker of workers) for (let i = 0; i < QUEUE_BEFORE_UNFORMATTED && next < toFormat.length; i++) queued.push(formatNext(worker));
        for (const id of unformatted) settle(id, textOf(items[id]!));
      }
      await Promise.all([...queued, ...workers.flatMap((worker) => Array.from({ length: JOBS_PER_THREAD }, () => lane(worker)))]);
      return results;
    } finally {
      // Idle threads must not keep the process alive should a caller forget `close()`.
      for (const worker of workers) worker.hold(false);
    }
  }

  /**
   * Starts the formatting threads ahead of need (a big generation calls this before it
   * compiles the specs), so loading and warming prettier overlaps with that work.
   */
  prewarm(): void {
    if (!import.meta.url.endsWith(".js")) return;
    for (const worker of this.#startPool()) worker.hold(false);
  }

  /** One thread per core (at most 8), started once: loading prettier and warming it up is not free. */
  #startPool(): FormatThread[] {
    if (this.#pool === undefined) {
      const workerPath = fileURLToPath(new URL("./format-worker.js", import.meta.url));
      const size = Math.max(1, Math.min(availableParallelism(), 8));
      this.#pool = Array.from({ length: size }, () => new FormatThread(workerPath));
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
