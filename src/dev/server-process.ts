import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DEV_CONFIG_ENV, type DevReply, type DevRequest } from "./protocol.js";

type Body<T> = T extends { id: number } ? Omit<T, "id"> : never;

/** One server process of `fluvius dev` (./child.ts), driven request by request. */
export class ServerProcess {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, (reply: DevReply) => void>();
  private nextId = 1;
  private exitCode: number | null | undefined;
  readonly exited: Promise<number | null>;
  /** Set once `stop` was asked for: an exit is then expected. */
  stopping = false;
  /** http://127.0.0.1:3000 once it listens. */
  address: string | undefined;

  constructor(options: { readonly cwd: string; readonly configPath?: string }) {
    this.child = fork(fileURLToPath(new URL("./child.js", import.meta.url)), [], {
      cwd: options.cwd,
      env: { ...process.env, ...(options.configPath === undefined ? {} : { [DEV_CONFIG_ENV]: options.configPath }) },
      execArgv: [],
      // The server's own lines (request logs, worker problems) go straight to the terminal.
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exitCode = code;
        for (const [id, answer] of this.waiting) answer({ id, ok: false, text: `the server process exited (${signal ?? `code ${code}`}).` });
        this.waiting.clear();
        resolve(code);
      });
    });
    this.child.on("message", (reply: DevReply) => {
      const answer = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      answer?.(reply);
    });
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  request(body: Body<DevRequest>): Promise<DevReply> {
    const id = this.nextId++;
    if (!this.running) return Promise.resolve({ id, ok: false, text: "the server process is not running." });
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...body, id } as DevRequest);
    });
  }

  /** Closes the server and the database (cleanly: PGlite must flush), then waits for the exit; kills after 15 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.running) return;
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    void this.request({ type: "stop" });
    await this.exited;
    clearTimeout(timer);
  }
}
