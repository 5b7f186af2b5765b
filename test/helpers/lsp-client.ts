import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createMessageConnection,
  type Diagnostic,
  type MessageConnection,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver/node";
import { repoRoot } from "./fixtures.js";

/** A real LSP client: spawns the built `fluvius lsp` and speaks JSON-RPC over its stdio. */
export interface LspClient {
  readonly connection: MessageConnection;
  readonly stderr: () => string;
  uri(relative: string): string;
  open(relative: string, text: string): Promise<void>;
  change(relative: string, text: string): Promise<void>;
  closeDocument(relative: string): Promise<void>;
  /** Resolves with the first diagnostics published for the file that satisfy `until`. */
  diagnostics(relative: string, until?: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

export async function startLsp(root: string): Promise<LspClient> {
  const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, "bin/run.js"), "lsp", "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  if (!child.stdout || !child.stdin) throw new Error("no stdio");
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const latest = new Map<string, Diagnostic[]>();
  const waiting: { uri: string; until: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => {
    latest.set(uri, diagnostics);
    for (const w of [...waiting])
      if (w.uri === uri && w.until(diagnostics)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(diagnostics);
      }
  });
  connection.listen();
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(root).href, capabilities: {} });
  await connection.sendNotification("initialized", {});
  const uri = (relative: string) => pathToFileURL(path.join(root, relative)).href;
  const versions = new Map<string, number>();
  return {
    connection,
    stderr: () => stderr,
    uri,
    async open(relative, text) {
      versions.set(relative, 1);
      await connection.sendNotification("textDocument/didOpen", { textDocument: { uri: uri(relative), languageId: "yaml", version: 1, text } });
    },
    async change(relative, text) {
      const version = (versions.get(relative) ?? 1) + 1;
      versions.set(relative, version);
      // Only what the server publishes after this change counts.
      latest.clear();
      await connection.sendNotification("textDocument/didChange", { textDocument: { uri: uri(relative), version }, contentChanges: [{ text }] });
    },
    async closeDocument(relative) {
      latest.clear();
      await connection.sendNotification("textDocument/didClose", { textDocument: { uri: uri(relative) } });
    },
    diagnostics(relative, until = () => true) {
      const known = latest.get(uri(relative));
      if (known && until(known)) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching diagnostics for ${relative}; last: ${JSON.stringify(latest.get(uri(relative)))}\n${stderr}`)),
          30_000,
        );
        waiting.push({ uri: uri(relative), until, resolve: (d) => (clearTimeout(timer), resolve(d)) });
      });
    },
    async close() {
      await connection.sendRequest("shutdown");
      await connection.sendNotification("exit");
      await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
      connection.dispose();
    },
  };
}
