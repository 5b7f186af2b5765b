import { Flags } from "@oclif/core";
import { EXIT } from "../../cli/base-command.js";
import { ReactionsCommand, reactionsFlags } from "../../cli/reactions-command.js";
import { plural } from "../../migrate/cli.js";
import { inboundStatus, reactionStatus, type InboundStatus, type ReactionStatus } from "@fluvius/runtime/internal/runtime/reactions/status";
import { countOpenParked, openParked, type ParkedDelivery } from "@fluvius/runtime/internal/runtime/reactions/tables";
import { viewStatus, type ViewStatus } from "@fluvius/runtime/internal/runtime/views/status";

export default class ReactionsStatus extends ReactionsCommand {
  static override summary = "Show how far each reaction is, and the deliveries that are parked.";
  static override description = `Lists every reaction of the project (\`<domain>.<name>\`) with its lag (events of its trigger recorded but not yet handled), its parked deliveries and those asked to run again (retrying), its waiting timers and when the next one is due, and the process running it now (the holder of its lease; none when no \`fluvius serve\` or \`fluvius worker\` runs). Then each consumer of external events (\`inbound:<domain>.<name>\`) with its parked messages and its process, and each asynchronous view (\`view:<domain>.<name>\`) with its lag (source events not yet in the view), its parked events and its process. Then the open parked deliveries, oldest first: their id, reaction, tenant, event, attempts, when they were parked, the status (parked, or retry: waiting for the worker's next pass) and the error of their last attempt.

A delivery is parked when a reaction failed on an event after its attempts, or at once when retrying cannot help (a rejected command). Fix the cause, then run it again with \`fluvius reactions retry <id>\`, or give up on it with \`fluvius reactions skip <id>\`.

The database is chosen as for \`fluvius migrate up\`: --database-url, else the variable named by database.urlEnv (default DATABASE_URL), else the embedded database, which only one process may open at a time (stop \`fluvius serve\` first, or run on PostgreSQL). Changes nothing. Exit code 0, also when deliveries are parked; with --fail-on-parked 1 when any is (for monitoring and CI); 1 when the project or the database cannot be read; 2 usage error.`;

  static override examples = [
    { command: "<%= config.bin %> reactions status", description: "Reactions and parked deliveries of $DATABASE_URL, or of the embedded database." },
    { command: "<%= config.bin %> reactions status --json --limit 500", description: "One JSON document, with up to 500 parked deliveries." },
    {
      command: "<%= config.bin %> reactions status --fail-on-parked --database-url postgres://app@db:5432/shop",
      description: "A health check: exit 1 when a delivery is parked.",
    },
  ];

  static override flags = {
    json: Flags.boolean({ description: "Print one JSON document: { database, reactions, parked }." }),
    limit: Flags.integer({ description: "List at most this many parked deliveries (the counts are always complete).", default: 50, min: 0 }),
    "fail-on-parked": Flags.boolean({ description: "Exit 1 when any delivery is parked (not counting those already asked to run again)." }),
    ...reactionsFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ReactionsStatus);
    const { reactions, inbound, views, database } = await this.openSession(flags, "fluvius reactions status");
    let statuses: ReactionStatus[];
    let consumers: InboundStatus[];
    let projectors: ViewStatus[];
    let totals: { parked: number; retrying: number };
    let shown: ParkedDelivery[];
    try {
      statuses = await reactionStatus(database.store, reactions);
      consumers = await inboundStatus(database.store.database, inbound);
      projectors = await viewStatus(database.store, views);
      totals = await countOpenParked(database.store.database);
      shown = flags.limit === 0 ? [] : await openParked(database.store.database, undefined, flags.limit);
    } finally {
      await database.close();
    }
    const open = totals.parked + totals.retrying;
    const more = Math.max(0, open - shown.length);

    if (flags.json) {
      const document = {
        database: database.target.description,
        reactions: statuses.map((s) => ({
          reaction: s.reaction,
          lag: s.lag,
          parked: s.parked,
          retrying: s.retrying,
          waitingTimers: s.waitingTimers,
          nextTimerAt: s.nextTimerAt,
          heldBy: s.heldBy,
          checkpoint: { transactionId: s.checkpoint.transactionId.toString(), position: s.checkpoint.position.toString() },
        })),
        inbound: consumers,
        views: projectors.map((v) => ({
          ...v,
          checkpoint: { transactionId: v.checkpoint.transactionId.toString(), position: v.checkpoint.position.toString() },
        })),
        parked: { parked: totals.parked, retrying: totals.retrying, deliveries: shown, more },
      };
      this.log(JSON.stringify(document, null, 2));
    } else {
      this.log(`database: ${database.target.description}`);
      this.log("");
      if (statuses.length === 0) this.log("The project declares no reactions.");
      else for (const line of table(["REACTION", "LAG>", "PARKED>", "RETRYING>", "TIMERS>", "NEXT TIMER", "HELD BY"], statuses.map(statusRow))) this.log(line);
      this.log("");
      if (consumers.length > 0) {
        // Their backlog is the broker's (the consumer's pending messages), not the database's.
        for (const line of table(
          ["EXTERNAL EVENTS", "PARKED>", "RETRYING>", "HELD BY"],
          consumers.map((c) => [c.worker, String(c.parked), String(c.retrying), c.heldBy ?? "-"]),
        ))
          this.log(line);
        this.log("");
      }
      if (projectors.length > 0) {
        for (const line of table(
          ["ASYNCHRONOUS VIEW", "LAG>", "PARKED>", "RETRYING>", "HELD BY"],
          projectors.map((v) => [v.worker, String(v.lag), String(v.parked), String(v.retrying), v.heldBy ?? "-"]),
        ))
          this.log(line);
        this.log("");
      }
      if (open === 0) this.log("No parked deliveries.");
      else {
        this.log(
          `Parked deliveries: ${totals.parked} parked, ${totals.retrying} to retry on the worker's next pass${shown.length < open ? ` (the ${shown.length} oldest below)` : ""}:`,
        );
        if (shown.length > 0) {
          for (const line of table(["ID", "REACTION", "TENANT", "EVENT", "ATTEMPTS>", "PARKED AT", "STATUS", "ERROR"], shown.map(parkedRow))) this.log(line);
        }
        if (more > 0) this.log(`… and ${more} more (--limit ${open} lists them all)`);
        this.log("");
        this.log("Once the cause is fixed: `fluvius reactions retry <id>` (or --all) runs a delivery again; `fluvius reactions skip <id>` gives up on it.");
      }
    }
    if (flags["fail-on-parked"] && totals.parked > 0) {
      this.logToStderr(`fluvius: ${plural(totals.parked, "delivery is", "deliveries are")} parked.`);
      this.exit(EXIT.problems);
    }
  }
}

function statusRow(s: ReactionStatus): string[] {
  return [s.reaction, String(s.lag), String(s.parked), String(s.retrying), String(s.waitingTimers), s.nextTimerAt ?? "-", s.heldBy ?? "-"];
}

function parkedRow(p: ParkedDelivery): string[] {
  return [p.id, p.reaction, p.tenant, p.eventId, String(p.attempts), p.parkedAt, p.status, oneLine(`${p.error.code}: ${p.error.message}`)];
}

/** An error message on one line of the table (the JSON has it whole). */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/** Aligned columns, two spaces apart; a heading ending in ">" is right-aligned (numbers). */
function table(headings: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const right = headings.map((h) => h.endsWith(">"));
  const names = headings.map((h) => h.replace(/>$/, ""));
  const widths = names.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(names), ...rows.map(line)];
}
