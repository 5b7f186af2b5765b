// Starts `fluvius lsp` for the workspace; the server does all the work (see src/lsp).
const { existsSync } = require("node:fs");
const path = require("node:path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

/** The project's own fluvius first, so the editor checks with the version the project builds with. */
function fluviusCommand() {
  const configured = vscode.workspace.getConfiguration("fluvius").get("command");
  if (configured) return configured;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = path.join(folder.uri.fsPath, "node_modules", ".bin", process.platform === "win32" ? "fluvius.cmd" : "fluvius");
    if (existsSync(local)) return local;
  }
  return "fluvius";
}

async function activate(context) {
  const command = fluviusCommand();
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const run = { command, args: ["lsp"], transport: TransportKind.stdio, options: cwd ? { cwd, shell: process.platform === "win32" } : {} };
  client = new LanguageClient(
    "fluvius",
    "fluvius",
    { run, debug: run },
    {
      documentSelector: [{ scheme: "file", language: "yaml" }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml}") },
    },
  );
  context.subscriptions.push(client);
  await client.start();
}

async function deactivate() {
  await client?.stop();
}

module.exports = { activate, deactivate };
