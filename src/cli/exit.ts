import { Exit } from "@oclif/core/handle";

/**
 * oclif ends a failed command with `process.exit(code)` at once. On a pipe, stdout is
 * asynchronous: whatever did not fit into the pipe's buffer (64 KiB) is still queued and would
 * be lost, and CI reads exactly that output. Every exit of every command goes through
 * `Exit.exit`, so it is replaced once, here, by one that waits until stdout and stderr have
 * handed everything to the operating system.
 */
export function exitOnlyWhenFlushed(): void {
  // Typed `never` by oclif, which calls it last in its error handler: returning is harmless.
  Exit.exit = ((code = 0) => {
    void exitWhenFlushed(code);
  }) as typeof Exit.exit;
}

/** Ends the process with `code` once everything written to stdout and stderr is flushed. */
export async function exitWhenFlushed(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  // Still an explicit exit: an open handle (a database pool, a worker) must not keep it alive.
  process.exit(code);
}

/** An empty write is queued behind every earlier one: its callback runs when they are written. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    // The reader went away (EPIPE, e.g. `| head`): nothing more can be delivered.
    stream.once("error", () => resolve());
    stream.write("", () => resolve());
  });
}
