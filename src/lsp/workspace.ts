import { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic as LspDiagnostic } from "vscode-languageserver";
import type { Host } from "../host/host.js";
import { resolvePath } from "../host/paths.js";
import { nodeHost } from "../host/node-host.js";
import { isConfigFile, pathToUri, toLspDiagnostic } from "./convert.js";
import { overlayHost } from "./overlay-host.js";
import { CompileCache } from "../compile-cache.js";
import { checkProject, type CheckedProject, type Project, projectKey, projectOf } from "./project.js";
import { SymbolIndex } from "./symbol-index.js";

/** Where diagnostics go: the server publishes them, a test can collect them. */
export type Publish = (uri: string, diagnostics: LspDiagnostic[]) => void;

interface ProjectState {
  readonly project: Project;
  readonly index: SymbolIndex;
  readonly cache: CompileCache;
  published: Set<string>;
  timer?: NodeJS.Timeout;
  readonly waiters: (() => void)[];
  running: Promise<void>;
  /** Settles when the latest scheduled check has published. */
  ready: Promise<void>;
  last?: CheckedProject;
}

/**
 * The open documents over the disk, grouped into projects. Each change re-runs the pipeline
 * of its project after a short pause (typing bursts check once), reusing what the files it
 * did not touch gave last time (CompileCache).
 */
export class Workspace {
  readonly #open = new Map<string, string>();
  readonly #projects = new Map<string, ProjectState>();
  readonly #disk: Host = nodeHost();

  constructor(
    private readonly publish: Publish,
    private readonly debounceMs = 150,
  ) {}

  host(root: string): Host {
    return overlayHost(this.#disk, this.#open, root);
  }

  /** A document opened or changed (text undefined: closed, the disk's version counts again). */
  async changed(path: string, text: string | undefined): Promise<void> {
    if (text === undefined) this.#open.delete(path);
    else this.#open.set(path, text);
    const state = await this.stateOf(path);
    this.schedule(state);
  }

  /** A file changed on disk (saved elsewhere, created, deleted): re-check every project. */
  diskChanged(): void {
    for (const state of this.#projects.values()) this.schedule(state);
  }

  /** The project of a document, checked and indexed, with the document's current text indexed. */
  async projectFor(path: string): Promise<ProjectState> {
    const state = await this.stateOf(path);
    if (state.last === undefined && state.timer === undefined) this.schedule(state);
    await state.ready;
    const text = this.#open.get(path) ?? (await this.#disk.readText(path));
    if (text !== undefined) state.index.update(path, text);
    return state;
  }

  async document(path: string): Promise<TextDocument | undefined> {
    const text = this.#open.get(path) ?? (await this.#disk.readText(path));
    return text === undefined ? undefined : TextDocument.create(pathToUri(path), "yaml", 0, text);
  }

  private async stateOf(path: string): Promise<ProjectState> {
    const project = await projectOf(this.host("/"), path);
    const key = projectKey(project);
    let state = this.#projects.get(key);
    if (!state) {
      state = {
        project,
        index: new SymbolIndex(),
        cache: new CompileCache(),
        published: new Set(),
        waiters: [],
        ready: Promise.resolve(),
        running: Promise.resolve(),
      };
      this.#projects.set(key, state);
    }
    return state;
  }

  private schedule(state: ProjectState): void {
    if (state.timer) clearTimeout(state.timer);
    // Whoever waits on a superseded check is released by the newest one.
    state.ready = new Promise<void>((resolve) => state.waiters.push(resolve));
    state.timer = setTimeout(() => {
      delete state.timer;
      const released = state.waiters.splice(0);
      const done = () => released.forEach((r) => r());
      // One check at a time per project, so an older one never publishes over a newer one.
      state.running = state.running
        .then(() => this.check(state))
        .catch((error: unknown) => {
          process.stderr.write(`fluvius lsp: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        })
        .finally(done);
    }, this.debounceMs);
  }

  private async check(state: ProjectState): Promise<void> {
    const { project } = state;
    const host = this.host(project.root);
    const checked = await checkProject(host, project, state.cache);
    state.last = checked;
    const byUri = new Map<string, LspDiagnostic[]>();
    for (const path of checked.files) byUri.set(pathToUri(path), []);
    for (const d of checked.result.diagnostics) {
      const uri = pathToUri(resolvePath(project.root, d.range.file));
      const list = byUri.get(uri) ?? [];
      list.push(toLspDiagnostic(d, project.root));
      byUri.set(uri, list);
    }
    for (const uri of state.published) if (!byUri.has(uri)) this.publish(uri, []);
    for (const [uri, list] of byUri) this.publish(uri, list);
    state.published = new Set(byUri.keys());

    const specs = checked.files.filter((p) => !isConfigFile(p));
    const openHere = [...this.#open.keys()].filter((p) => p.startsWith(`${project.root}/`) && !isConfigFile(p));
    const indexed = project.single === undefined ? [...new Set([...specs, ...openHere])] : [project.single];
    for (const path of indexed) {
      const text = await host.readText(path);
      if (text !== undefined) state.index.update(path, text);
    }
    state.index.retain(indexed);
  }
}
