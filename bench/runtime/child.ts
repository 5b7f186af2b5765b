/** The parent's handle on a worker process (bench/runtime/worker.ts). */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { onCleanup } from "../lib/services.js";
import type { Target } from "./target.js";

const workerPath = fileURLToPath(new URL("./worker.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

export class Worker {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: Error | undefined;
  private readonly unregister: () => Promise<void>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    child.on("message", (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(`${label}: ${reply.error ?? "failed"}`));
    });
    child.on("exit", (code, signal) => {
      this.exited = new Error(`${label}: the worker process exited (${signal ?? code})`);
      for (const waiter of this.pending.values()) waiter.reject(this.exited);
      this.pending.clear();
    });
    this.unregister = onCleanup(`worker ${label}`, async () => this.kill());
  }

  /** Starts a worker and initialises its subject on a target. */
  static async start(label: string, subject: string, target: Target): Promise<Worker> {
    const child = fork(workerPath, [], {
      cwd: repoRoot,
      execArgv: ["--import", "tsx"],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const worker = new Worker(label, child);
    await worker.send({ op: "init", subject, target });
    return worker;
  }

  private send(message: object): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, ...message });
    });
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.send({ op: "call", method, args }) as Promise<T>;
  }

  /** Asks the worker to close its connections and exit. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      await this.send({ op: "exit" }).catch(() => undefined);
      await gone;
    }
    await this.unregister();
  }

  private kill(): void {
    if (!this.exited && this.child.pid !== undefined) this.child.kill("SIGKILL");
  }
}
