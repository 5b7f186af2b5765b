import { Flags } from "@oclif/core";
import { plural } from "../migrate/cli.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { formatGithub } from "../diagnostics/format/github.js";
import { formatJson } from "../diagnostics/format/json.js";
import { formatSarif } from "../diagnostics/format/sarif.js";
import { formatText } from "../diagnostics/format/text.js";

/** The flags of the commands that report diagnostics (validate, breaking). */
export const diagnosticsFlags = {
  format: Flags.string({ char: "f", description: "Output format.", options: ["text", "json", "github", "sarif"], default: "text" }),
  "max-warnings": Flags.integer({ description: "Fail (exit 1) when there are more warnings than this. Default: warnings never fail.", min: 0 }),
};

/**
 * The diagnostics in the chosen format; for text, each with its code frame, then `summary`
 * (the command's last line). Empty output for github without diagnostics.
 */
export function diagnosticsOutput(
  diagnostics: readonly Diagnostic[],
  options: {
    readonly format: string;
    readonly color: boolean;
    readonly sources: ReadonlyMap<string, string>;
    readonly toolVersion: string;
    readonly summary: string;
  },
): string | undefined {
  switch (options.format) {
    case "json":
      return formatJson(diagnostics);
    case "github":
      return diagnostics.length > 0 ? formatGithub(diagnostics) : undefined;
    case "sarif":
      return formatSarif(diagnostics, options.toolVersion);
    default:
      return diagnostics.length > 0 ? `${formatText(diagnostics, { color: options.color, sources: options.sources })}\n\n${options.summary}` : options.summary;
  }
}

/** Whether the run fails: an error, or more warnings than --max-warnings (said on stderr). */
export function failsOn(diagnostics: readonly Diagnostic[], maxWarnings: number | undefined, stderr: (line: string) => void): boolean {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const tooMany = maxWarnings !== undefined && warnings > maxWarnings;
  if (errors === 0 && tooMany) stderr(`fluvius: ${plural(warnings, "warning")}, more than --max-warnings ${maxWarnings} allows.`);
  return errors > 0 || tooMany;
}
