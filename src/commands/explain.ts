import { Args, Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { catalog, isCode } from "../diagnostics/catalog.js";
import { didYouMean } from "../diagnostics/suggest.js";

export default class Explain extends FluviusCommand {
  static override summary = "Explain a diagnostic code: what it means and how to fix it.";
  static override description = "With no code, lists every diagnostic code with its severity and stage.";
  static override examples = [
    { command: "<%= config.bin %> explain unknown-event", description: "What 'unknown-event' means." },
    { command: "<%= config.bin %> explain", description: "List every code." },
    { command: "<%= config.bin %> explain --json", description: "Every code as JSON: [{ code, severity, stage, explain, hint }]." },
  ];

  static override flags = {
    json: Flags.boolean({ description: "Print JSON: the code's { code, severity, stage, explain, hint }, or a list of them without a code." }),
  };

  static override args = {
    code: Args.string({ description: "A diagnostic code, e.g. unknown-event.", required: false }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Explain);
    const described = (code: keyof typeof catalog) => {
      const entry = catalog[code];
      return { code, severity: entry.severity, stage: entry.stage, explain: entry.explain, ...("hint" in entry && entry.hint ? { hint: entry.hint } : {}) };
    };
    if (flags.json && args.code === undefined) {
      this.log(JSON.stringify(Object.keys(catalog).sort().filter(isCode).map(described), null, 2));
      return;
    }
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
    if (flags.json) {
      this.log(JSON.stringify(described(args.code), null, 2));
      return;
    }
    const entry = catalog[args.code];
    this.log(`${args.code} (${entry.severity}, ${entry.stage} stage)\n`);
    this.log(entry.explain);
    if ("hint" in entry && entry.hint) this.log(`\nHow to fix: ${entry.hint}`);
  }
}
