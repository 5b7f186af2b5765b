import { ServiceCommand, type ServiceFlags } from "../cli/service-command.js";
import Serve from "./serve.js";

export default class Worker extends ServiceCommand {
  static override summary = "Run only the reactions, timers and forwarders, without the HTTP API.";
  static override description =
    "Loads the project the way `serve` does and runs its workers: one per reaction, the durable timers and the forwarders of public events. Start it next to `serve --no-workers` replicas, or as several replicas of its own on one PostgreSQL database: each worker runs in one process at a time (a lease), and another takes over within 15 seconds when that process dies. On the embedded database only one process may open it, so there `serve` runs the workers itself.";

  static override examples = [
    { command: "<%= config.bin %> worker --database-url postgres://app@localhost/shop", description: "Workers only, on PostgreSQL." },
  ];

  static override flags = {
    migrate: Serve.flags.migrate,
    "database-url": Serve.flags["database-url"],
    config: Serve.flags.config,
  };

  override async run(): Promise<void> {
    const { flags } = await this.parse(Worker);
    const service: ServiceFlags = flags;
    await this.start(service, { http: false, workers: true });
  }
}
