import { createConnection, type Connection, TextDocuments, TextDocumentSyncKind } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { uriToPath } from "./convert.js";
import { complete } from "./completion.js";
import { hover } from "./hover.js";
import { definition, references, rename, prepareRename } from "./navigate.js";
import { quickFixes } from "./quick-fix.js";
import { Workspace } from "./workspace.js";

/** `fluvius lsp`: a language server over stdio on the real pipeline. */
export function startServer(): Connection {
  const connection = createConnection(process.stdin, process.stdout);
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace((uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }));

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [".", ":", " ", "$", "["] },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      codeActionProvider: { codeActionKinds: ["quickfix"] },
    },
    serverInfo: { name: "fluvius" },
  }));

  const track = (doc: TextDocument, text: string | undefined) => {
    const path = uriToPath(doc.uri);
    if (path !== undefined) void workspace.changed(path, text);
  };
  documents.onDidOpen((e) => track(e.document, e.document.getText()));
  documents.onDidChangeContent((e) => track(e.document, e.document.getText()));
  documents.onDidClose((e) => track(e.document, undefined));
  connection.onDidChangeWatchedFiles(() => workspace.diskChanged());

  connection.onCompletion((p) => complete(workspace, p));
  connection.onHover((p) => hover(workspace, p));
  connection.onDefinition((p) => definition(workspace, p));
  connection.onReferences((p) => references(workspace, p));
  connection.onPrepareRename((p) => prepareRename(workspace, p));
  connection.onRenameRequest((p) => rename(workspace, p));
  connection.onCodeAction((p) => quickFixes(workspace, p));

  documents.listen(connection);
  connection.listen();
  return connection;
}
