import { Command, Errors } from "@oclif/core";

/** Exit codes of every fluvius command. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

/**
 * Shared behaviour: a user's mistake never shows a stack trace; an unexpected exception is
 * reported as a bug (stack only with DEBUG=fluvius) and exits 2, like a usage error.
 */
export abstract class FluviusCommand extends Command {
  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // this.exit() throws an ExitError; let oclif finish it.
    if (error instanceof Errors.ExitError) throw error;
    if (error instanceof Errors.CLIError || error.oclif?.exit !== undefined) {
      // Flag and argument parsing errors: usage errors.
      this.logToStderr(`fluvius: ${error.message}`);
      this.logToStderr(`See \`fluvius ${(this.id ?? "").replaceAll(":", " ")} --help\`.`);
      return this.exit(EXIT.usage);
    }
    this.logToStderr(`fluvius: internal error: ${error.message}`);
    this.logToStderr("This is a bug in fluvius, not in your project. Run again with DEBUG=fluvius to see the stack trace, and report it.");
    if (process.env.DEBUG?.includes("fluvius")) this.logToStderr(error.stack ?? "");
    return this.exit(EXIT.usage);
  }

  /** Colour only on a terminal, never with NO_COLOR; FORCE_COLOR forces it. */
  protected useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
    if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
    if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
    return stream.isTTY === true && process.env.TERM !== "dumb";
  }
}
