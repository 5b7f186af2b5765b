/**
 * Resolves on the first SIGINT or SIGTERM. The listeners stay attached for the rest of the
 * process: with `once`, a second signal during shutdown (or a library that re-raises a signal
 * nothing else listens to) would end the process by the signal's default action, before its
 * database is closed and its lock released.
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => resolve(signal));
  });
}
