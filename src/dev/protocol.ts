/**
 * What `fluvius dev` and its server process say to each other over the IPC channel. The
 * server process owns the embedded database (one process may open it) and imports the
 * project's TypeScript once: a restart is a new process, so edited handlers load afresh.
 */
export type DevRequest =
  /** Import the generated code and the handlers (before the database is taken from the old server). */
  | { readonly id: number; readonly type: "load" }
  /** Open the embedded development database. */
  | { readonly id: number; readonly type: "open" }
  /** Apply the committed migrations it lacks, then the spec's changes as a development migration. */
  | { readonly id: number; readonly type: "migrate"; readonly allowDestructive: boolean; readonly color: boolean }
  /** Start the workers and the HTTP API on the loaded code. */
  | { readonly id: number; readonly type: "listen"; readonly port: number; readonly host: string; readonly log: boolean }
  /** Close everything and exit. */
  | { readonly id: number; readonly type: "stop" };

export type DevReply =
  | { readonly id: number; readonly ok: true; readonly lines: readonly string[]; readonly address?: string }
  | { readonly id: number; readonly ok: false; readonly text: string };

/** The environment variable that hands `--config` to the server process. */
export const DEV_CONFIG_ENV = "FLUVIUS_DEV_CONFIG";
