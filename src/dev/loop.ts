import { createHash } from "node:crypto";
import { type Dirent, existsSync, type FSWatcher, readdirSync, watch } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { compile } from "../compile.js";
import { formatText } from "../diagnostics/format/text.js";
import { applyGeneration, planGeneration } from "../generate/generate.js";
import type { Host } from "../host/host.js";
import type { ProjectConfig } from "../load/config.js";
import { ServerProcess } from "./server-process.js";

export interface DevOptions {
  readonly host: Host;
  readonly config: ProjectConfig;
  readonly configPath?: string;
  readonly port: number;
  readonly listenHost: string;
  readonly log: boolean;
  readonly allowDestructive: boolean;
  readonly color: boolean;
  /** Quiet time after the last file change before a cycle starts. */
  readonly debounceMs: number;
  readonly print: (text: string) => void;
}

/**
 * `fluvius dev`: on every change of the specs, the handlers, fluvius.yaml or the migrations
 * folder, one cycle: validate → development migration → generate → restart. A step that
 * fails leaves the running server (and its database) as they were.
 */
export class DevLoop {
  private server: ServerProcess | undefined;
  /** The port the first server got (with --port 0, later servers take the same one). */
  private port: number;
  private lastInputs: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly ignored: readonly string[];

  constructor(private readonly options: DevOptions) {
    this.port = options.port;
    const { config } = options;
    this.ignored = [
      config.output.generated,
      path.dirname(config.database.embeddedPath) === config.root ? config.database.embeddedPath : path.dirname(config.database.embeddedPath),
      path.join(config.root, "node_modules"),
      path.join(config.root, ".git"),
    ];
  }

  /** What is watched, relative to the project (for the banner). */
  watchedFolders(): string[] {
    const { config } = this.options;
    return [
      ...new Set([
        ...config.specs.map((glob) => picomatch.scan(glob).base || "."),
        path.relative(config.root, this.codeFolder()) || ".",
        path.relative(config.root, config.output.migrations),
      ]),
    ];
  }

  /**
   * The hand-written code: the folder around the handlers (src for src/domain), so modules the
   * handlers import are followed too; the generated folder inside it is not watched.
   */
  private codeFolder(): string {
    const { config } = this.options;
    const parent = path.dirname(config.output.handlers);
    return parent === config.root || !parent.startsWith(`${config.root}${path.sep}`) ? config.output.handlers : parent;
  }

  async start(): Promise<void> {
    this.watch();
    await this.cycle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    await this.running;
    await this.server?.stop();
  }

  /**
   * Watches the folders of the specs, the handlers and the migrations, and every folder under
   * them, each on its own (not recursively), plus the project folder itself. Node 20's
   * `recursive` watcher on Linux loses a file once an editor replaces it (write to a temporary
   * file, rename over): later saves go unseen. A watcher per folder sees every rename in it.
   * Run again after each cycle and on every rename, so new folders are watched too.
   */
  private watch(): void {
    const { config } = this.options;
    const folders = [config.root];
    const walk = (folder: string) => {
      if (this.isIgnored(folder) || path.basename(folder).startsWith(".") || !existsSync(folder)) return;
      folders.push(folder);
      let entries: Dirent[];
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) if (entry.isDirectory()) walk(path.join(folder, entry.name));
    };
    for (const folder of this.watchedFolders()) walk(path.resolve(config.root, folder));
    for (const folder of new Set(folders)) {
      if (this.watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, (event, name) => {
          if (event === "rename") this.watch();
          this.changed(name === null ? folder : path.join(folder, name.toString()));
        });
        watcher.on("error", () => {
          watcher.close();
          this.watchers.delete(folder);
        });
        this.watchers.set(folder, watcher);
      } catch {
        // A folder removed meanwhile: watched again when it comes back.
      }
    }
  }

  private isIgnored(file: string): boolean {
    return this.ignored.some((dir) => file === dir || file.startsWith(`${dir}${path.sep}`));
  }

  private changed(file: string): void {
    if (this.stopped || this.isIgnored(file)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.cycle(), this.options.debounceMs);
  }

  /** One cycle, never two at once: changes during a cycle start another when it ends. */
  private cycle(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          if (this.stopped) return;
          await this.runCycle().catch((error: unknown) => {
            this.options.print(`✖ internal error in fluvius dev: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          });
          this.watch();
        } while (this.again && !this.stopped);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async runCycle(): Promise<void> {
    const { host, configPath, color, print } = this.options;
    const inputs = await this.inputsFingerprint();
    if (inputs === this.lastInputs) return;
    this.lastInputs = inputs;
    const started = performance.now();
    const keeping = () => (this.server?.address === undefined ? "No server is running." : `The server at ${this.url()} keeps running the last good version.`);

    // 1. Validate.
    const compiled = await compile({ host, ...(configPath === undefined ? {} : { configPath }) });
    if (compiled.diagnostics.length > 0) print(formatText(compiled.diagnostics, { color, sources: compiled.sources }));
    if (!compiled.domains || !compiled.config) {
      const errors = compiled.diagnostics.filter((d) => d.severity === "error").length;
      print(`✖ the specs have ${errors} error(s); nothing was generated or migrated. ${keeping()}`);
      return;
    }
    const steps = [`validated ${compiled.fileCount} spec file(s)`];

    // 2. Migrate the development database (in the running server's process: it owns the database).
    // A server process that died (killed, crashed) is as good as none: start a new one.
    let owner = this.server?.running === true ? this.server : undefined;
    if (owner === undefined) this.server = undefined;
    const fresh = owner === undefined;
    if (!owner) {
      owner = new ServerProcess({ cwd: host.cwd, ...(configPath === undefined ? {} : { configPath }) });
      const opened = await owner.request({ type: "open" });
      if (!opened.ok) {
        await owner.stop();
        this.lastInputs = undefined; // the next save tries again, even with the same content
        print(`✖ cannot open the development database:\n${opened.text}`);
        return;
      }
    }
    const migrated = await owner.request({ type: "migrate", allowDestructive: this.options.allowDestructive, color });
    if (!migrated.ok) {
      if (fresh) await owner.stop();
      // It may depend on the data (duplicates under a new unique key): the next save tries again, even unchanged.
      this.lastInputs = undefined;
      print(`${migrated.text}\n✖ not migrated: nothing was generated. ${keeping()}`);
      return;
    }
    for (const line of migrated.lines) print(`  ${line}`);
    steps.push(migrated.lines.length === 0 ? "schema unchanged" : "migrated");

    // 3. Generate.
    const plan = await planGeneration({ host, ...(configPath === undefined ? {} : { configPath }) });
    if (plan.diagnostics.some((d) => d.severity === "error")) {
      if (fresh) await owner.stop();
      print(formatText(plan.diagnostics, { color, sources: plan.sources }));
      this.lastInputs = undefined;
      print(`✖ nothing was generated (the database was migrated). ${keeping()}`);
      return;
    }
    await applyGeneration(host, plan);
    for (const { path: file, names } of plan.appended) print(`  stubs added to ${path.relative(host.cwd, file)}: ${names.join(", ")}`);
    steps.push(`generated ${plan.changes.length} file(s)`);
    // Our own writes (stubs in the handlers) are not a change to react to.
    this.lastInputs = await this.inputsFingerprint();

    // 4. (Re)start: the new process loads the code while the old one still serves.
    const next = fresh ? owner : new ServerProcess({ cwd: host.cwd, ...(configPath === undefined ? {} : { configPath }) });
    const loaded = await next.request({ type: "load" });
    if (!loaded.ok) {
      await next.stop();
      if (fresh) this.server = undefined;
      // A module may be missing until an `npm install` (not watched): any later change retries.
      this.lastInputs = undefined;
      print(`✖ ${loaded.text}\n✖ ${steps.join(", ")}; not restarted. ${keeping()}`);
      return;
    }
    if (!fresh) {
      await this.server?.stop();
      this.server = undefined;
      const opened = await next.request({ type: "open" });
      if (!opened.ok) {
        await next.stop();
        this.lastInputs = undefined;
        print(`✖ cannot open the development database:\n${opened.text}`);
        return;
      }
    }
    const listening = await next.request({ type: "listen", port: this.port, host: this.options.listenHost, log: this.options.log });
    if (!listening.ok) {
      await next.stop();
      this.lastInputs = undefined;
      print(`✖ the server did not start: ${listening.text}`);
      return;
    }
    next.address = listening.address;
    this.server = next;
    void next.exited.then((code) => {
      if (next.stopping || this.stopped) return;
      if (this.server === next) this.server = undefined;
      this.lastInputs = undefined;
      print(`✖ the server process exited (${code === null ? "killed" : `code ${code}`}); the next change (or save) starts it again.`);
    });
    if (this.port === 0 && listening.address !== undefined) this.port = Number(new URL(listening.address).port);
    if (fresh) for (const line of listening.lines.slice(1)) print(line);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    print(`✔ ${steps.join(", ")}; ${fresh ? "started" : "restarted"} at ${this.url()} (${seconds} s)`);
  }

  private url(): string {
    return `${this.server?.address ?? ""}${this.options.config.api.basePath}`;
  }

  /** A hash of everything a cycle reads: the specs, the hand-written code, the migrations, fluvius.yaml. */
  private async inputsFingerprint(): Promise<string> {
    const { host, config } = this.options;
    const files = [
      ...(await host.glob(config.root, config.specs)),
      ...(existsSync(this.codeFolder()) ? (await host.glob(this.codeFolder(), ["**/*"])).filter((file) => !this.isIgnored(file)) : []),
      ...(existsSync(config.output.migrations) ? await host.glob(config.output.migrations, ["**/*"]) : []),
      config.file?.path ?? path.join(config.root, "fluvius.yaml"),
    ];
    const hash = createHash("sha256");
    for (const file of [...new Set(files)].sort()) {
      const text = await host.readText(file).catch(() => undefined);
      hash.update(`${file}\0${text ?? "(none)"}\0`);
    }
    return hash.digest("hex");
  }
}
