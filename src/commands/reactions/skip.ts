import { Args, Flags } from "@oclif/core";
import { ReactionsCommand, reactionFlag, reactionsFlags } from "../../cli/reactions-command.js";

export default class ReactionsSkip extends ReactionsCommand {
  static override summary = "Give up on parked deliveries for good: their reactions will not act on those events.";
  static override description = `Marks each parked delivery (by its id, as \`fluvius reactions status\` lists them), or one queued by \`fluvius reactions retry\` that has not run yet, as skipped: its reaction never acts on that event, and the delivery no longer counts as parked. The event itself stays in the log. There is no undo.

For each id it prints what happened: skipped, not found, or not parked (resolved, or skipped already). --all --reaction <domain.name> skips every open delivery of one reaction, also of a reaction removed from the specs whose deliveries were left parked; --all always needs --reaction, so nothing is given up on by accident across reactions.

The database is chosen as for \`fluvius migrate up\`. The embedded database can be open in one process only: stop \`fluvius serve\` first, or run on PostgreSQL. Exit code 0 when every id was skipped, 1 when one was not found or not open, 2 usage error (an id that is not a UUID).`;

  static override examples = [
    { command: "<%= config.bin %> reactions skip 3f2b1c9e-8a4d-5e6f-9a0b-1c2d3e4f5a6b", description: "Give up on one delivery." },
    { command: "<%= config.bin %> reactions skip --all --reaction shop.notify-shipped", description: "Every open delivery of one reaction." },
  ];

  static override strict = false;
  static override args = {
    ids: Args.string({ description: "Ids of parked deliveries (one or more).", required: false }),
  };

  static override flags = {
    all: Flags.boolean({ description: "Every open delivery of --reaction (which it requires)." }),
    reaction: reactionFlag,
    ...reactionsFlags,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ReactionsSkip);
    await this.resolveParked("skip", argv, flags);
  }
}
