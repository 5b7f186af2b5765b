import type { ProjectConfig } from "../load/config.js";
import type { DomainDefinition } from "../runtime/domain.js";
import { reactionsOf, startReactionWorkers, type ReactionWorkers } from "../runtime/reactions/runner.js";
import { installedSystemSchemaVersion, systemSchemaVersion } from "../runtime/store/schema.js";
import type { EventStore } from "../runtime/store/types.js";

export interface ProjectWorkers {
  /** Why the workers cannot run (a message for the user), or undefined. */
  readonly problem?: string;
  /** One line for the start-up banner. */
  readonly summary: string;
  /** How many workers run (0: nothing to do). */
  readonly count: number;
  stop(): Promise<void>;
}

const none = { count: 0, stop: async () => undefined };

/**
 * Starts the project's reactions, timers and forwarders on the store (serve, worker). Parked
 * deliveries and failed passes are logged one line each on stderr, never a stack.
 */
export async function startProjectWorkers(options: {
  readonly config: ProjectConfig;
  readonly store: EventStore;
  readonly domains: readonly DomainDefinition[];
  readonly log: (line: string) => void;
}): Promise<ProjectWorkers> {
  const reactions = reactionsOf(options.domains);
  if (reactions.length === 0) return { ...none, summary: "workers: none (the specs declare no reactions)" };
  const installed = await installedSystemSchemaVersion(options.store.database);
  if (installed < systemSchemaVersion) {
    return {
      ...none,
      summary: "",
      problem: `the database's system tables are v${installed}; reactions need v${systemSchemaVersion}: run \`fluvius migrate new upgrade-fluvius\`, then \`fluvius migrate up\` (or serve --migrate).`,
    };
  }
  const workers: ReactionWorkers = startReactionWorkers(options.store, {
    domains: options.domains,
    onParked: (p) => {
      const message = p.error instanceof Error ? p.error.message : String(p.error);
      options.log(`fluvius: reaction ${p.reaction} parked its delivery ${p.id} (event ${p.eventId}): ${message} — once fixed: fluvius reactions retry ${p.id}`);
    },
    onError: (error, worker) => {
      const message = error instanceof Error ? error.message : String(error);
      options.log(`fluvius: worker ${worker} failed a pass and retries shortly: ${message}`);
    },
  });
  return { summary: `workers: ${reactions.length} reaction(s)`, count: reactions.length, stop: () => workers.stop() };
}
