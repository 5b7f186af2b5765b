import { Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "./base-command.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import { nodeHost } from "../host/node-host.js";
import { loadConfig } from "../load/config.js";
import { configFlag, databaseUrlFlag, diagnosticsText, plural } from "../migrate/cli.js";
import { openProjectDatabase, type ProjectDatabase } from "../project/database.js";
import { loadProjectCode, ProjectCodeError } from "../project/load-code.js";
import { reactionId, type AnyReactionDefinition } from "@fluvius/runtime/internal/runtime/reactions/definition";
import { asyncViewsOf, reactionsOf } from "@fluvius/runtime/internal/runtime/reactions/runner";
import type { ViewDefinition } from "@fluvius/runtime/internal/runtime/views/definition";
import { projectorName } from "@fluvius/runtime/internal/runtime/views/projector";
import { inboundWorkerName } from "@fluvius/runtime/internal/runtime/integrations/external";
import { inboundStatus, reactionStatus, retryParked, skipParked, type ParkedResolution } from "@fluvius/runtime/internal/runtime/reactions/status";
import { openParked, parkedById } from "@fluvius/runtime/internal/runtime/reactions/tables";
import { installedSystemSchemaVersion, systemSchemaVersion } from "@fluvius/runtime/internal/runtime/store/schema";

/** What `fluvius reactions status|retry|skip` share (kept out of src/commands: oclif loads every file there). */
export const reactionsFlags = {
  "database-url": databaseUrlFlag,
  config: configFlag,
};

export const reactionFlag = Flags.string({ description: "Only the parked deliveries of this reaction (`<domain>.<name>`), with --all." });

export interface ReactionsSession {
  /** The project's reactions, as its generated code declares them. */
  readonly reactions: readonly AnyReactionDefinition[];
  /** Its inbound workers of external events (`inbound:<domain>.<name>`), which park messages too. */
  readonly inbound: readonly string[];
  /** Its asynchronous views (their projectors, `view:<domain>.<name>`, park events). */
  readonly views: readonly ViewDefinition[];
  readonly database: ProjectDatabase;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A command on the reactions' system tables: loads the config and the project's code, opens the database like `migrate` and `serve` do. */
export abstract class ReactionsCommand extends FluviusCommand {
  private readonly diagnostics = new DiagnosticCollector();

  /** Prints the diagnostics so far and `fluvius: <message>` on stderr; exit 1. */
  protected stop(message: string): never {
    if (this.diagnostics.sorted().length > 0) this.log(diagnosticsText(this.diagnostics.sorted(), this.useColor()));
    this.logToStderr(`fluvius: ${message}`);
    return this.exit(EXIT.problems);
  }

  /** A usage error (exit 2), before anything is opened. */
  protected usage(message: string): never {
    this.logToStderr(`fluvius: ${message}`);
    this.logToStderr(`See \`fluvius ${(this.id ?? "").replaceAll(":", " ")} --help\`.`);
    return this.exit(EXIT.usage);
  }

  /** Parked delivery ids are UUIDs: anything else is a typo, reported before the database is opened. */
  protected checkIds(ids: readonly string[]): void {
    const bad = ids.filter((id) => !UUID.test(id));
    if (bad.length > 0) {
      this.usage(
        `${bad.map((id) => `'${id}'`).join(", ")} ${bad.length === 1 ? "is not a parked delivery id" : "are not parked delivery ids"}: ids are UUIDs, as \`fluvius reactions status\` lists them.`,
      );
    }
  }

  /** Config, the project's reactions and the database with v2 system tables; or a message and exit 1. */
  protected async openSession(
    flags: { readonly config?: string | undefined; readonly "database-url"?: string | undefined },
    command: string,
  ): Promise<ReactionsSession> {
    const host = nodeHost();
    const config = await loadConfig(host, this.diagnostics, flags.config === undefined ? {} : { explicitPath: flags.config });
    if (!config || this.diagnostics.hasErrors()) return this.stop("fluvius.yaml has errors.");
    let reactions: AnyReactionDefinition[];
    let inbound: string[];
    let views: ViewDefinition[];
    try {
      const { domains } = await loadProjectCode(config);
      reactions = reactionsOf(domains);
      inbound = domains.flatMap((d) => (d.externals ?? []).map(inboundWorkerName));
      views = asyncViewsOf(domains);
    } catch (error) {
      if (error instanceof ProjectCodeError) return this.stop(error.message);
      throw error;
    }
    const opened = await openProjectDatabase(
      config,
      { cwd: host.cwd, command, poolSize: 2, create: false, ...(flags["database-url"] === undefined ? {} : { url: flags["database-url"] }) },
      this.diagnostics,
    );
    if (opened === undefined) {
      if (this.diagnostics.sorted().some((d) => d.code === "embedded-database-locked")) {
        return this.stop(
          "the embedded database is open in another process, and only one may open it at a time: stop `fluvius serve` (or `fluvius worker`) and run this again, or run the service and these commands on PostgreSQL (--database-url or $DATABASE_URL), where they run side by side.",
        );
      }
      return this.stop("cannot open the database.");
    }
    if ("absent" in opened)
      return this.stop(`the embedded database ${opened.absent} does not exist yet: run \`fluvius migrate up\` (or \`fluvius serve --migrate\`) first.`);
    const installed = await installedSystemSchemaVersion(opened.store.database).catch(async (error: unknown) => {
      await opened.close();
      throw error;
    });
    if (installed < systemSchemaVersion) {
      await opened.close();
      if (installed === 0)
        return this.stop(`${opened.target.description} has no fluvius system tables yet: run \`fluvius migrate up\` (or \`fluvius serve --migrate\`) first.`);
      return this.stop(
        `the database's system tables are v${installed}; reactions need v${systemSchemaVersion}: run \`fluvius migrate new upgrade-fluvius\`, then \`fluvius migrate up\`.`,
      );
    }
    return { reactions, inbound, views, database: opened };
  }

  /**
   * What `retry` and `skip` do: the ids given, or with --all every parked delivery (of
   * --reaction); one line per id; exit 1 when any was not found or not open.
   */
  protected async resolveParked(kind: "retry" | "skip", argv: readonly unknown[], flags: ResolveFlags): Promise<void> {
    const ids = argv.map(String);
    const command = `fluvius reactions ${kind}`;
    if (flags.all && ids.length > 0) return this.usage("give either ids or --all, not both.");
    if (!flags.all && ids.length === 0)
      return this.usage(
        `name the parked deliveries to ${kind} (their ids, from \`fluvius reactions status\`)${kind === "retry" ? ", or --all" : ", or --all --reaction <domain.name>"}.`,
      );
    if (flags.reaction !== undefined && !flags.all) return this.usage("--reaction goes with --all (ids name their deliveries already).");
    if (kind === "skip" && flags.all && flags.reaction === undefined)
      return this.usage("skip --all needs --reaction <domain.name>: skipping gives up on deliveries for good, so it is done one reaction at a time.");
    this.checkIds(ids);

    const session = await this.openSession(flags, command);
    const db = session.database.store.database;
    const known = new Set(workersOf(session));
    const outcomes: Outcome[] = [];
    let nothing: string | undefined;
    let failure: string | undefined;
    try {
      let targets = ids;
      if (flags.all) {
        const unknown = flags.reaction === undefined ? undefined : this.unknownReaction(session, flags.reaction);
        // Leftovers of a reaction removed from the spec can be skipped, not retried (no worker runs them).
        if (unknown !== undefined && kind === "retry") failure = unknown;
        else {
          const open = await openParked(db, flags.reaction, 1_000_000);
          targets = open.filter((p) => kind === "skip" || p.status === "parked").map((p) => p.id);
          if (targets.length === 0) {
            if (unknown !== undefined) failure = unknown;
            else nothing = `Nothing to ${kind}: no delivery${flags.reaction === undefined ? "" : ` of ${flags.reaction}`} is parked.`;
          }
        }
      }
      for (const id of failure === undefined ? targets : []) {
        if (kind === "retry") {
          const delivery = await parkedById(db, id);
          if (delivery && !known.has(delivery.reaction) && delivery.status === "parked") {
            outcomes.push({ id, label: "not retried (its reaction is no longer in the project: skip it)", ok: false, delivery });
            continue;
          }
          outcomes.push(outcomeOf(id, await retryParked(db, id), "queued"));
        } else outcomes.push(outcomeOf(id, await skipParked(db, id), "skipped"));
      }
      if (kind === "retry" && outcomes.some((o) => o.ok)) {
        const isQueued = (name: string) => outcomes.some((o) => o.ok && o.delivery?.reaction === name);
        const queued = session.reactions.filter((r) => isQueued(reactionId(r)));
        const idle = [
          ...(await reactionStatus(session.database.store, queued)).filter((s) => s.heldBy === null).map((s) => s.reaction),
          ...(await inboundStatus(db, session.inbound.filter(isQueued))).filter((s) => s.heldBy === null).map((s) => s.worker),
        ];
        this.log(`database: ${session.database.target.description}`);
        for (const line of outcomeLines(outcomes)) this.log(line);
        this.log("");
        this.log(
          `${plural(outcomes.filter((o) => o.ok).length, "delivery", "deliveries")} queued: the worker of each reaction runs them again on its next pass, and parks again what still fails.`,
        );
        if (idle.length > 0) this.log(`No worker runs ${idle.join(", ")} now: nothing happens until \`fluvius serve\` or \`fluvius worker\` runs.`);
        else this.log("Their workers are running (see `fluvius reactions status`, held by): they pick them up within moments.");
      } else if (outcomes.length > 0) {
        this.log(`database: ${session.database.target.description}`);
        for (const line of outcomeLines(outcomes)) this.log(line);
        const skipped = outcomes.filter((o) => o.ok).length;
        if (kind === "skip" && skipped > 0) {
          this.log("");
          this.log(`${plural(skipped, "delivery", "deliveries")} skipped: their reactions will not act on those events.`);
        }
      }
    } finally {
      await session.database.close();
    }
    if (failure !== undefined) return this.stop(failure);
    if (nothing !== undefined) this.log(nothing);
    const bad = outcomes.filter((o) => !o.ok).length;
    if (bad > 0) {
      this.logToStderr(`fluvius: ${plural(bad, "id was", "ids were")} not ${kind === "retry" ? "queued" : "skipped"}.`);
      this.exit(EXIT.problems);
    }
  }

  /** The message for a `--reaction` the project does not declare, or undefined when it does. */
  protected unknownReaction(session: ReactionsSession, name: string): string | undefined {
    const known = workersOf(session);
    if (known.includes(name)) return undefined;
    return `the project has no reaction '${name}'${known.length > 0 ? `; its reactions: ${known.join(", ")}` : " (the specs declare no reactions)"}.`;
  }
}

/** As oclif parses them: a flag not given is there as undefined. */
export interface ResolveFlags {
  readonly all?: boolean | undefined;
  readonly reaction?: string | undefined;
  readonly config?: string | undefined;
  readonly "database-url"?: string | undefined;
}

export interface Outcome {
  readonly id: string;
  /** "queued", "skipped", "not found", "not parked (skipped)", "not retried: …" */
  readonly label: string;
  readonly ok: boolean;
  readonly delivery?: { readonly reaction: string; readonly eventId: string; readonly tenant: string };
}

export function outcomeOf(id: string, result: ParkedResolution, done: string): Outcome {
  if (result.ok) return { id, label: done, ok: true, delivery: result.delivery };
  const label = result.reason === "not-found" ? "not found" : `not parked (${result.delivery?.status ?? "?"})`;
  return { id, label, ok: false, ...(result.delivery ? { delivery: result.delivery } : {}) };
}

/** One aligned line per id: what happened, the id, and whose delivery it is. */
export function outcomeLines(outcomes: readonly Outcome[]): string[] {
  const width = Math.max(0, ...outcomes.map((o) => o.label.length));
  return outcomes.map((o) => {
    const whose = o.delivery ? `  ${o.delivery.reaction}, tenant ${o.delivery.tenant}, event ${o.delivery.eventId}` : "";
    return `  ${o.label.padEnd(width)}  ${o.id}${whose}`;
  });
}

/** What parks deliveries, as `fluvius.parked` names it: reactions, consumers of external events, asynchronous views. */
function workersOf(session: ReactionsSession): string[] {
  return [...session.reactions.map(reactionId), ...session.inbound, ...session.views.map(projectorName)];
}
