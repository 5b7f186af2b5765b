import { toConfiguredId, type Hook } from "@oclif/core";
import { closest } from "../../diagnostics/suggest.js";

/**
 * A mistyped command: says so and suggests the closest one, as `fluvius validate` does for a
 * mistyped name in a spec, on a terminal or not (oclif's not-found plugin only asks on a
 * terminal and says nothing in CI logs). Exit code 2, a usage error.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const ids = options.config.commands.filter((c) => !c.hidden).map((c) => c.id);
  const typed = toConfiguredId(options.id, options.config);
  const match = closest(options.id, ids);
  const suggestion = match === undefined ? "" : ` Did you mean \`${options.config.bin} ${toConfiguredId(match, options.config)}\`?`;
  process.stderr.write(`fluvius: '${typed}' is not a fluvius command.${suggestion}\n`);
  process.stderr.write(`See \`${options.config.bin} help\` for the list of commands.\n`);
  this.exit(2);
};

export default hook;
