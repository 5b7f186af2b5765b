import { existsSync, rmSync } from "node:fs";
import { Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { DevLoop } from "../dev/loop.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import { displayPath } from "../host/paths.js";
import { nodeHost } from "../host/node-host.js";
import { loadConfig } from "../load/config.js";
import { stopSignal } from "@fluvius/runtime/internal/service/stop-signal";
import { configFlag, diagnosticsText } from "../migrate/cli.js";
import { describeHolder, lockEmbeddedDatabase } from "@fluvius/runtime/internal/runtime/db/embedded-lock";

export default class Dev extends FluviusCommand {
  static override summary = "Save and see: validate, migrate the development database, generate and restart the server on every change.";
  static override description = `Watches the specs, your code (the folder around output.handlers, e.g. src, without the generated code), fluvius.yaml and the migrations folder. After each burst of changes it validates the specs (diagnostics as \`fluvius validate\` prints them), applies the schema changes to the embedded development database (database.embeddedPath, default .fluvius/pgdata) as a development migration, generates the code, and restarts the server (a new process, so your edited TypeScript loads afresh), printing one line per cycle.

A mistake never costs the database or the running server: with errors in the specs, a migration that cannot be applied or destructive changes (refused unless --allow-destructive), code that does not load, nothing is changed and the last good server keeps answering.

Development migrations are recorded in the database (public.fluvius_dev_migrations), not in files. When the spec is as you want it, run \`fluvius migrate new <name>\`: it writes the committed migration as always, and the next cycle of \`fluvius dev\` records it as applied in the development database (its schema is already there). --reset starts the development database again from the migrations folder (its data is lost). The database is always the embedded one; DATABASE_URL is not used. See docs/dev.md.`;

  static override examples = [
    { command: "<%= config.bin %> dev", description: "Serve on http://127.0.0.1:3000 and follow every change." },
    { command: "<%= config.bin %> dev --port 8080 --log", description: "Another port, and every request logged." },
    {
      command: "<%= config.bin %> dev --allow-destructive",
      description: "Also apply dropped fields and narrowed types to the development database (their data is lost).",
    },
    { command: "<%= config.bin %> dev --reset", description: "Start from an empty development database with the committed migrations." },
    { command: "<%= config.bin %> migrate new add-tags", description: "Then, in another terminal: turn what dev applied into migrations/NNNN_add_tags.sql." },
  ];

  static override flags = {
    port: Flags.integer({ char: "p", description: "Port to listen on (0: any free port, kept across restarts).", default: 3000, min: 0, max: 65535 }),
    host: Flags.string({ description: "Address to listen on.", default: "127.0.0.1" }),
    config: configFlag,
    log: Flags.boolean({ description: "Log every request (JSON lines)." }),
    "allow-destructive": Flags.boolean({
      description: "Apply drops, removed enum values and narrowing type changes to the development database instead of refusing them.",
    }),
    reset: Flags.boolean({ description: "Delete the embedded development database first; it is created again from the migrations folder." }),
    debounce: Flags.integer({ description: "Milliseconds without file changes before a cycle starts.", default: 150, min: 0 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Dev);
    const host = nodeHost();
    const color = this.useColor();
    const diagnostics = new DiagnosticCollector();
    const config = await loadConfig(host, diagnostics, flags.config === undefined ? {} : { explicitPath: flags.config });
    if (!config || diagnostics.hasErrors()) {
      this.log(diagnosticsText(diagnostics.sorted(), color));
      this.logToStderr("fluvius: fluvius.yaml has errors.");
      return this.exit(EXIT.problems);
    }
    const embedded = config.database.embeddedPath;
    if (flags.reset && existsSync(embedded)) {
      const lock = lockEmbeddedDatabase(embedded, "fluvius dev --reset");
      if (!lock.ok) {
        this.logToStderr(`fluvius: cannot reset ${displayPath(host.cwd, embedded)}: ${describeHolder(lock.holder)} has it open.`);
        return this.exit(EXIT.problems);
      }
      rmSync(embedded, { recursive: true, force: true });
      lock.release();
      this.log(`reset: deleted the development database ${displayPath(host.cwd, embedded)}`);
    }

    const loop = new DevLoop({
      host,
      config,
      ...(flags.config === undefined ? {} : { configPath: flags.config }),
      port: flags.port,
      listenHost: flags.host,
      log: flags.log,
      allowDestructive: flags["allow-destructive"],
      color,
      debounceMs: flags.debounce,
      print: (text) => this.log(text),
    });
    this.log(`watching ${loop.watchedFolders().join(", ")} and fluvius.yaml; development database: ${displayPath(host.cwd, embedded)} (Ctrl-C stops)`);
    const stopped = stopSignal();
    await loop.start();
    await stopped;
    this.log("stopping…");
    await loop.stop();
  }
}
