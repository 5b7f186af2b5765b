import type { ServiceConfig } from "./config.js";
import { streamDefinitionsOf, type DomainDefinition } from "../runtime/domain.js";
import { forwardPublicEvents, forwarderSubscription, publicEventsOf } from "../runtime/integrations/forwarder.js";
import { createInboundWorker, inboundConsumerName } from "../runtime/integrations/inbound.js";
import { resolveIntegrations, subjectPrefixOf } from "../runtime/integrations/resolve.js";
import { asyncViewsOf, reactionsOf, startReactionWorkers, type ExtraWorker } from "../runtime/reactions/runner.js";
import { IntegrationConfigError } from "../runtime/errors.js";
import { installedSystemSchemaVersion, systemSchemaVersion } from "../runtime/store/schema.js";
import type { EventStore } from "../runtime/store/types.js";
import { createUpcaster } from "../runtime/subscription.js";

export interface ServiceWorkers {
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
 * Starts the service's reactions, timers and forwarders on the store (serve, worker), with
 * fluvius.yaml's integrations resolved from the environment. Parked deliveries and failed
 * passes are logged one line each on stderr, never a stack. Configuration mistakes (a missing
 * variable, a broker that cannot be reached) throw errors whose message is for the user.
 */
export async function startServiceWorkers(options: {
  readonly config: Pick<ServiceConfig, "integrations">;
  readonly store: EventStore;
  readonly domains: readonly DomainDefinition[];
  readonly projectName: string;
  readonly log: (line: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
}): Promise<ServiceWorkers> {
  const reactions = reactionsOf(options.domains);
  const projected = asyncViewsOf(options.domains);
  const brokers = Object.values(options.config.integrations).filter((i) => i.nats !== undefined).length;
  if (reactions.length === 0 && projected.length === 0 && brokers === 0)
    return { ...none, summary: "workers: none (no reactions, no asynchronous views, no broker to forward public events to)" };
  const installed = await installedSystemSchemaVersion(options.store.database);
  if (installed < systemSchemaVersion) {
    return {
      ...none,
      summary: "",
      problem: `the database's system tables are v${installed}; reactions need v${systemSchemaVersion}: run \`fluvius migrate new upgrade-fluvius\`, then \`fluvius migrate up\` (or serve --migrate).`,
    };
  }
  const integrations = await resolveIntegrations(options.config.integrations, options.env ?? process.env, { projectName: options.projectName });
  const publicEvents = publicEventsOf(options.domains);
  const upcast = createUpcaster(streamDefinitionsOf(options.domains));
  const forwarders: ExtraWorker[] = integrations.publishers.map(({ name, publisher }) => ({
    name: forwarderSubscription(name),
    pass: () => forwardPublicEvents(options.store, { name, publisher, publicEvents, upcast }),
  }));
  const inbound: ExtraWorker[] = [];
  for (const external of options.domains.flatMap((d) => d.externals ?? [])) {
    const broker = integrations.publishers.find((p) => p.name === external.integration);
    if (!broker) {
      await integrations.close();
      // `fluvius validate` refuses this; generated code older than fluvius.yaml can still say it.
      throw new IntegrationConfigError([
        {
          integration: external.integration,
          message: `External event ${external.domain}.${external.name} is read from '${external.integration}', which is not a nats integration of fluvius.yaml; run \`fluvius generate\` after fixing the spec.`,
        },
      ]);
    }
    inbound.push(
      createInboundWorker(options.store, {
        external,
        connection: broker.publisher.connection,
        consumerName: inboundConsumerName(subjectPrefixOf(options.projectName), external),
        onWaiting: (message) => options.log(`fluvius: ${message}`),
        onParked: (p) =>
          options.log(`fluvius: ${p.worker} parked a message on ${p.subject} (${p.id}): ${p.error.message} — once fixed: fluvius reactions retry ${p.id}`),
      }),
    );
  }
  const workers = startReactionWorkers(options.store, {
    domains: options.domains,
    delivers: integrations.delivers,
    workers: [...forwarders, ...inbound],
    onParked: (p) => {
      const message = p.error instanceof Error ? p.error.message : String(p.error);
      const who = p.reaction.startsWith("view:")
        ? `view ${p.reaction.slice("view:".length)} parked event`
        : `reaction ${p.reaction} parked its delivery ${p.id} (event`;
      options.log(
        `fluvius: ${who} ${p.eventId}${p.reaction.startsWith("view:") ? ` (${p.id})` : ")"}: ${message} — once fixed: fluvius reactions retry ${p.id}`,
      );
    },
    onError: (error, worker) => {
      const message = error instanceof Error ? error.message : String(error);
      options.log(`fluvius: worker ${worker} failed a pass and retries shortly: ${message}`);
    },
  });
  const parts = [
    `${reactions.length} reaction(s)`,
    ...(projected.length > 0 ? [`${projected.length} asynchronous view(s)`] : []),
    ...(forwarders.length > 0 ? [`${forwarders.length} forwarder(s) of public events`] : []),
    ...(inbound.length > 0 ? [`${inbound.length} consumer(s) of external events`] : []),
  ];
  return {
    summary: `workers: ${parts.join(", ")}`,
    count: reactions.length + projected.length + forwarders.length + inbound.length,
    async stop() {
      await workers.stop();
      await integrations.close();
    },
  };
}
