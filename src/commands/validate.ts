import { Args, Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { compile } from "../compile.js";
import { formatGithub } from "../diagnostics/format/github.js";
import { formatJson } from "../diagnostics/format/json.js";
import { formatSarif } from "../diagnostics/format/sarif.js";
import { formatText, summarise } from "../diagnostics/format/text.js";
import { nodeHost } from "../host/node-host.js";

export default class Validate extends FluviusCommand {
  static override summary = "Check domain specs and report every problem at file:line:col.";
  static override description = `Reads the spec files (YAML syntax, JSON Schema, semantic rules) and reports every problem with
a stable code, its position and a hint. With no paths, validates the specs that fluvius.yaml
names (default domains/**/*.yaml). Exit code: 0 clean, 1 errors (or more warnings than
--max-warnings allows), 2 usage or internal error. Explain a code with \`fluvius explain <code>\`.`;

  static override examples = [
    { command: "<%= config.bin %> validate", description: "Validate the specs named in fluvius.yaml." },
    { command: "<%= config.bin %> validate domains/banking.yaml domains/shop", description: "Validate a file and a folder." },
    { command: "<%= config.bin %> validate 'specs/**/*.yaml' --format json", description: "Machine-readable output." },
    { command: "<%= config.bin %> validate --format github --max-warnings 0", description: "In GitHub Actions: annotations, warnings fail the job." },
  ];

  static override strict = false;
  static override args = {
    paths: Args.string({ description: "Spec files, folders or globs (default: `specs` of fluvius.yaml).", required: false }),
  };

  static override flags = {
    format: Flags.string({
      char: "f",
      description: "Output format.",
      options: ["text", "json", "github", "sarif"],
      default: "text",
    }),
    "max-warnings": Flags.integer({
      description: "Fail (exit 1) when there are more warnings than this. Default: warnings never fail.",
      min: 0,
    }),
    config: Flags.string({ char: "c", description: "Path of fluvius.yaml (default: the nearest one upwards)." }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Validate);
    const result = await compile({
      host: nodeHost(),
      inputs: argv as string[],
      ...(flags.config === undefined ? {} : { configPath: flags.config }),
    });
    const { diagnostics } = result;
    const color = this.useColor();
    switch (flags.format) {
      case "json":
        this.log(formatJson(diagnostics));
        break;
      case "github":
        if (diagnostics.length > 0) this.log(formatGithub(diagnostics));
        break;
      case "sarif":
        this.log(formatSarif(diagnostics, this.config.version));
        break;
      default:
        if (diagnostics.length > 0) this.log(`${formatText(diagnostics, { color, sources: result.sources })}\n`);
        this.log(summarise(diagnostics, result.fileCount, color));
    }
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.length - errors;
    const maxWarnings = flags["max-warnings"];
    if (errors === 0 && maxWarnings !== undefined && warnings > maxWarnings) {
      this.logToStderr(`fluvius: ${warnings} warnings, more than --max-warnings ${maxWarnings} allows.`);
    }
    if (errors > 0 || (maxWarnings !== undefined && warnings > maxWarnings)) this.exit(EXIT.problems);
  }
}
