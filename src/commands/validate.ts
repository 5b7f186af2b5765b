import { Args, Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { compile } from "../compile.js";
import { summarise } from "../diagnostics/format/text.js";
import { diagnosticsFlags, diagnosticsOutput, failsOn } from "../cli/diagnostics-output.js";
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
    ...diagnosticsFlags,
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
    const output = diagnosticsOutput(diagnostics, {
      format: flags.format,
      color,
      sources: result.sources,
      toolVersion: this.config.version,
      summary: summarise(diagnostics, result.fileCount, color),
    });
    if (output !== undefined) this.log(output);
    if (failsOn(diagnostics, flags["max-warnings"], (line) => this.logToStderr(line))) this.exit(EXIT.problems);
  }
}
