import { Worker } from "node:worker_threads";
import type { Options } from "prettier";

interface Reply {
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

/**
 * One prettier worker thread (format-worker.ts) and the texts it was given: one listener per
 * thread, whatever the number of texts in flight.
 */
export class FormatThread {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  #nextId = 0;
  /** Set once the thread failed or stopped: no text sent to it would ever come back. */
  #gone: Error | undefined;

  constructor(workerPath: string) {
    this.#worker = new Worker(workerPath);
    this.#worker.on("message", (reply: Reply) => {
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#waiting.delete(reply.id);
      if (reply.text !== undefined) waiting.resolve(reply.text);
      else waiting.reject(new Error(`prettier could not format generated code (a bug in fluvius): ${reply.error ?? "unknown error"}`));
    });
    this.#worker.on("error", (error) => this.#fail(error));
    this.#worker.on("exit", (code) => this.#fail(new Error(`a formatting thread stopped (exit code ${code})`)));
  }

  format(text: string, options: Options): Promise<string> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, text, options });
    });
  }

  /** An idle thread must not keep the process alive; a busy one must. */
  hold(busy: boolean): void {
    if (busy) this.#worker.ref();
    else this.#worker.unref();
  }

  #fail(error: Error): void {
    this.#gone ??= error;
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }
}
