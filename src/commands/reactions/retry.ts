import { Args, Flags } from "@oclif/core";
import { ReactionsCommand, reactionFlag, reactionsFlags } from "../../cli/reactions-command.js";

export default class ReactionsRetry extends ReactionsCommand {
  static override summary = "Run parked deliveries again, once the cause of their failure is fixed.";
  static override description = `Marks each parked delivery (by its id, as \`fluvius reactions status\` lists them) to run again. This command does not run it: the worker of its reaction does, on its next pass, in the running \`fluvius serve\` or \`fluvius worker\`; nothing happens until one runs. A delivery that succeeds is resolved; one that fails again is parked again, its attempts added up.

For each id it prints what happened: queued, not found, or not parked (resolved, skipped, or retry: already queued). --all queues every parked delivery, or with --reaction those of one reaction. A delivery whose reaction is no longer in the project is not queued (no worker would run it): skip it instead.

The database is chosen as for \`fluvius migrate up\`. The embedded database can be open in one process only: stop \`fluvius serve\`, retry, and start it again (it runs the retries then), or run on PostgreSQL. Exit code 0 when every id was queued, 1 when one was not found or not parked, 2 usage error (an id that is not a UUID).`;

  static override examples = [
    { command: "<%= config.bin %> reactions retry 3f2b1c9e-8a4d-5e6f-9a0b-1c2d3e4f5a6b", description: "Run one parked delivery again." },
    { command: "<%= config.bin %> reactions retry --all --reaction shop.reserve-stock", description: "Every parked delivery of one reaction." },
    {
      command: "<%= config.bin %> reactions retry --all --database-url postgres://app@db:5432/shop",
      description: "Every parked delivery, on a server where the workers run.",
    },
  ];

  static override strict = false;
  static override args = {
    ids: Args.string({ description: "Ids of parked deliveries (one or more).", required: false }),
  };

  static override flags = {
    all: Flags.boolean({ description: "Every parked delivery (of --reaction)." }),
    reaction: reactionFlag,
    ...reactionsFlags,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ReactionsRetry);
    await this.resolveParked("retry", argv, flags);
  }
}
