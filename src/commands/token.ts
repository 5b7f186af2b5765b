import { Flags } from "@oclif/core";
import { EXIT, FluviusCommand } from "../cli/base-command.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import { formatText } from "../diagnostics/format/text.js";
import { mintToken } from "@fluvius/runtime/internal/http/auth";
import { nodeHost } from "../host/node-host.js";
import { loadConfig } from "../load/config.js";
import { resolveSecret } from "@fluvius/runtime/internal/service/secret";

/** A positive lifetime in the units the JWT library reads (30m, 8h, 7d, "2 hours"). */
const LIFETIME = /^\d+(\.\d+)? ?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|yrs?|years?)$/i;

export default class Token extends FluviusCommand {
  static override summary = "Mint a development token (HS256) for the local secret.";
  static override description = `Signs a JWT with the secret \`fluvius serve\` verifies: the environment variable named by
auth.secretEnv in fluvius.yaml (default FLUVIUS_JWT_SECRET), or else the project's development
secret in .fluvius/dev-secret (created on first use). The claim names follow auth.tenantClaim
and auth.rolesClaim. For development and tests only; production tokens come from your
identity provider.`;

  static override examples = [
    { command: "<%= config.bin %> token --sub alice --tenant acme --role teller", description: "A teller of tenant acme." },
    {
      command: 'curl -H "Authorization: Bearer $(<%= config.bin %> token --sub bob --tenant acme --role customer)" localhost:3000/api/banking.account/',
      description: "Use it.",
    },
  ];

  static override flags = {
    sub: Flags.string({ description: "The actor's id (the `sub` claim).", required: true }),
    tenant: Flags.string({ description: "The actor's tenant.", required: true }),
    role: Flags.string({ description: "A role; repeat for several.", multiple: true, default: [] }),
    claim: Flags.string({ description: "An extra claim, name=value; repeat for several.", multiple: true, default: [] }),
    expires: Flags.string({ description: "Lifetime, e.g. 30m, 8h, 7d.", default: "8h" }),
    config: Flags.string({ char: "c", description: "Path of fluvius.yaml (default: the nearest one upwards)." }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Token);
    const diagnostics = new DiagnosticCollector();
    const config = await loadConfig(nodeHost(), diagnostics, flags.config === undefined ? {} : { explicitPath: flags.config });
    if (!config) {
      this.log(formatText(diagnostics.sorted(), { color: this.useColor(), sources: new Map() }));
      this.exit(EXIT.problems);
    }
    if (config.auth.jwksUrl !== undefined) this.warn("fluvius.yaml verifies tokens with a JWKS URL; this token (HS256) will only work without it.");
    const claims: Record<string, string> = {};
    for (const pair of flags.claim) {
      const at = pair.indexOf("=");
      if (at <= 0) {
        this.logToStderr(`fluvius: --claim takes name=value, not ${JSON.stringify(pair)}.`);
        this.exit(EXIT.usage);
      }
      claims[pair.slice(0, at)] = pair.slice(at + 1);
    }
    if (!LIFETIME.test(flags.expires.trim())) {
      this.logToStderr(`fluvius: --expires takes a lifetime such as 30m, 8h or 7d, not ${JSON.stringify(flags.expires)}.`);
      this.exit(EXIT.usage);
    }
    const { secret } = resolveSecret(config, config.root);
    const token = await mintToken({
      secret,
      subject: flags.sub,
      tenant: flags.tenant,
      roles: flags.role,
      claims,
      expiresIn: flags.expires.trim(),
      names: { idClaim: config.auth.idClaim, tenantClaim: config.auth.tenantClaim, rolesClaim: config.auth.rolesClaim },
    });
    this.log(token);
  }
}
