import { Args } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { catalog, isCode } from "../diagnostics/catalog.js";
import { didYouMean } from "../diagnostics/suggest.js";

export default class Explain extends FluviusCommand {
  static override summary = "Explain a diagnostic code: what it means and how to fix it.";
  static override description = "With no code, lists every diagnostic code with its severity and stage.";
  static override examples = [
    { command: "<%= config.bin %> explain unknown-event", description: "What 'unknown-event' means." },
    { command: "<%= config.bin %> explain", description: "List every code." },
  ];

  static override args = {
    code: Args.string({ description: "A diagnostic code, e.g. unknown-event.", required: false }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(Explain);
    if (args.code === undefined) {
      const codes = Object.keys(catalog).sort();
      const width = Math.max(...codes.map((c) => c.length));
      for (const code of codes) {
        if (!isCode(code)) continue;
        const entry = catalog[code];
        this.log(`${code.padEnd(width)}  ${entry.severity.padEnd(7)}  ${entry.stage}`);
      }
      return;
    }
    if (!isCode(args.code)) {
      this.logToStderr(`fluvius: '${args.code}' is not a diagnostic code.${didYouMean(args.code, Object.keys(catalog))}`);
      this.logToStderr("Run `fluvius explain` to list them.");
      this.exit(EXIT.usage);
    }
    const entry = catalog[args.code];
    this.log(`${args.code} (${entry.severity}, ${entry.stage} stage)\n`);
    this.log(entry.explain);
    if ("hint" in entry && entry.hint) this.log(`\nHow to fix: ${entry.hint}`);
  }
}
