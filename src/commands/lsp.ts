import { Flags } from "@oclif/core";
import { FluviusCommand } from "../cli/base-command.js";

export default class Lsp extends FluviusCommand {
  static override summary = "Run the language server (LSP over stdio) for editors.";
  static override description = `Speaks the Language Server Protocol on stdin/stdout: diagnostics of every stage as you type
(unsaved buffers count; a project is the \`specs\` of its fluvius.yaml), completion, hover,
go to definition, find references, rename and quick fixes. Editors start it; the VS Code
extension in editors/vscode does.`;
  static override examples = [{ command: "<%= config.bin %> lsp", description: "Started by an editor, not by hand." }];

  static override flags = {
    // Editors' LSP clients pass it; stdio is the only transport.
    stdio: Flags.boolean({ description: "Talk over stdin/stdout (the default and only transport)." }),
  };

  async run(): Promise<void> {
    await this.parse(Lsp);
    // Loaded here, not at the top: other commands never pay for the server's modules.
    const { startServer } = await import("../lsp/server.js");
    const connection = startServer();
    // The server lives until the editor sends `exit` or closes the pipe.
    await new Promise<void>((resolve) => connection.onExit(() => resolve()));
  }
}
