import { Flags } from "@oclif/core";
import { checkBreaking } from "../breaking/breaking.js";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { diagnosticsFlags, diagnosticsOutput, failsOn } from "../cli/diagnostics-output.js";
import { formatText } from "../diagnostics/format/text.js";
import { nodeHost } from "../host/node-host.js";

export default class Breaking extends FluviusCommand {
  static override summary = "Find changes that break stored events, clients or policies, against another revision or the event lock.";
  static override description = `Compares the current specs with another git revision (--against, read from git's objects: no checkout) or with the event lock fluvius.lock.json that \`fluvius generate\` keeps (--lock, the default without --against), and reports each finding at its place in the current specs with a stable code.

Errors: stored events that would read differently (an event or a field removed, retyped, made required, an enum value removed, without a version bump; a version lowered) and commands that clients send today refused (an action removed, a payload field removed, new and required, or narrowed). Warnings: a state field removed or retyped (rows and filters change), a permission newly granted to a role. Against the lock only events are compared. Accept a finding on purpose in fluvius.yaml: \`breaking: { ignore: [{ code, subject, reason }] }\`.

Exit code: 0 no errors (warnings allowed unless --max-warnings), 1 errors, 2 usage error (no such revision, no lock, current specs with errors). Explain a code with \`fluvius explain <code>\`; the workflow is in docs/evolution.md.`;

  static override examples = [
    { command: "<%= config.bin %> breaking", description: "Compare the events with fluvius.lock.json." },
    { command: "<%= config.bin %> breaking --against origin/main", description: "Everything that changed since the base branch (in a pull request)." },
    { command: "<%= config.bin %> breaking --against HEAD~1 --lock --format github", description: "Both, as GitHub annotations." },
  ];

  static override flags = {
    against: Flags.string({ description: "A git revision (branch, tag, commit) to compare with." }),
    lock: Flags.boolean({ description: "Compare the events with fluvius.lock.json (the default without --against)." }),
    ...diagnosticsFlags,
    config: Flags.string({ char: "c", description: "Path of fluvius.yaml (default: the nearest one upwards)." }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Breaking);
    const result = await checkBreaking({
      host: nodeHost(),
      ...(flags.config === undefined ? {} : { configPath: flags.config }),
      ...(flags.against === undefined ? {} : { against: flags.against }),
      lock: flags.lock,
    });
    const color = this.useColor();
    if (!result.ok) {
      if (result.diagnostics.length > 0) this.log(`${formatText(result.diagnostics, { color, sources: result.sources })}\n`);
      this.logToStderr(`fluvius: ${result.problem}.`);
      return this.exit(EXIT.usage);
    }
    const { diagnostics } = result;
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.length - errors;
    const against = result.compared.join(" and ");
    const accepted = result.suppressed.length === 0 ? "" : `; ${result.suppressed.length} accepted in fluvius.yaml`;
    const summary =
      errors + warnings === 0
        ? `✔ nothing breaking against ${against}${accepted}`
        : `✖ ${errors} breaking change${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"} against ${against}${accepted}`;
    const output = diagnosticsOutput(diagnostics, { format: flags.format, color, sources: result.sources, toolVersion: this.config.version, summary });
    if (output !== undefined) this.log(output);
    if (failsOn(diagnostics, flags["max-warnings"], (line) => this.logToStderr(line))) this.exit(EXIT.problems);
  }
}
