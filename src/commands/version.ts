import { FluviusCommand } from "../cli/base-command.js";

export default class Version extends FluviusCommand {
  static override summary = "Print the fluvius version (also `fluvius -v` and `fluvius --version`).";
  static override examples = [{ command: "<%= config.bin %> version", description: "fluvius/0.1.0 linux-x64 node-v20.20.2" }];

  async run(): Promise<void> {
    await this.parse(Version);
    this.log(this.config.userAgent);
  }
}
